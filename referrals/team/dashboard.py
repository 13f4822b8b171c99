"""The team's triage dashboard: its queues, filters and search, and the rows it shows.

The page costs a constant number of queries however many referrals there are, and none reads
every referral (issue 18; tests/integration/referrals/team/test_dashboard_plans.py checks the
plans on thousands of rows):

- the queue counts, one query (`ReferralQuerySet.queue_counts`, ADR 0014): the open queues
  exactly from their statuses' index ranges; "Withdrawn or closed" and "All" up to COUNT_CAP,
  then "more than" it. The current queue's count is the caption's: no paginator count;
- the page of rows, one query: a keyset page (referrals.pagination) in the order of an index,
  (status, submitted_at, reference) for a queue and (submitted_at, reference) for "All", either
  way, so the last page costs what the first does; read as values, only the columns a row
  shows, the baby's and referrer's names by one join each, the staff by id (named from
  `staff()`), and the parents' views and links, the last question and the clock's
  appointments and unavailability as subqueries run for the page's rows only;
- the search (`ReferralQuerySet.search`) by what was typed, each kind one index's lookup;
- one for the staff (the "allocated to" choices and the rows' names).

The staff, the alerts and, with no search or filter, the counts and each queue's first page
are kept while the data is unchanged (`counts_and_page`, referrals.team.unchanged, ADR 0016):
a page with nothing changed since the last reads only the data's version.

Rows are made here ready to print (words, the referral page's link, the received date), so the
table's loop only prints them (templates/referrals/team/_table.html).
"""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone

from imhs.models import REFERRER_PROFESSIONS, STAFF_ROLES, Profession, User
from imhs.nhsuk.fields import PlainSelect
from imhs.nhsuk.text import nhs_date, plural
from patients.ages import age_in_months
from patients.catchment import CATCHMENT
from patients.models import Postcode
from referrals import waiting_times
from referrals.labels import ELIGIBILITY_LABELS, STATUS_TAGS
from referrals.models import (
    COUNT_CAP,
    WAITING_STATUSES,
    WHOLE_REFERENCE,
    InformationRequest,
    ParentInvitation,
    ParentViews,
    ParentViewsMethod,
    Priority,
    Referral,
    Status,
    clock_columns,
    clock_of,
    received_on,
    wait_of,
)
from referrals.pagination import KEYSET_PARAMS, Cursor, cursor_from, keyset_page, query_with

PAGE_SIZE = 25


# --- queues ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    key: str  # which referrals are in it: Referral.objects.in_queue
    label: str


QUEUES = (
    Queue("new", "New"),
    Queue("in_review", "In review"),
    Queue("information_requested", "Information requested"),
    Queue("awaiting_allocation", "Accepted, awaiting allocation"),
    Queue("accepted", "Accepted"),
    Queue("declined", "Declined in the last 90 days"),
    Queue("closed", "Withdrawn or closed"),
    Queue("all", "All referrals"),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}
DEFAULT_QUEUE = "new"
# A search looks in every queue unless a queue is chosen: a referral that moved on from "New"
# is still found, with its status and the matches in each queue counted.
SEARCH_QUEUE = "all"


# --- filters --------------------------------------------------------------------------------

ELSEWHERE = "elsewhere"
AREA_COUNCILS = {council.slug: council.code for council in CATCHMENT.councils}
NOT_ALLOCATED = "none"
NOT_SET = "none"
OLDEST, NEWEST = "oldest", "newest"
ORDERINGS = {OLDEST: ("submitted_at", "reference"), NEWEST: ("-submitted_at", "-reference")}

PARENT_VIEWS_LABELS = {
    ParentViewsMethod.SECURE_LINK: "Secure link to be sent",
    ParentViewsMethod.WRITTEN_HERE: "Written in the referral",
    ParentViewsMethod.NOT_NOW: "Not now",
}
# The parents' secure links, most telling first: a referral with several links (two carers,
# or a link sent again) shows the first of these that any of its links is in (`_link_state`).
LINK_LOCKED, LINK_OPENED, LINK_SENT, LINK_EXPIRED, LINK_REVOKED = range(1, 6)
LINK_LABELS = {
    LINK_LOCKED: "Link locked",
    LINK_OPENED: "Link opened",
    LINK_SENT: "Link sent",
    LINK_EXPIRED: "Link expired",
    LINK_REVOKED: "Link revoked",
}
VIEWS_RECEIVED = "Views received"


def _choice(label, choices, *, anything):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", anything), *choices],
        widget=PlainSelect(attrs={"class": "nhsuk-select nhsuk-u-width-full"}),
    )


@dataclass(frozen=True)
class StaffMember:
    pk: int
    name: str
    active: bool


def staff():
    """The team (anyone with a staff role, those who have left too), by name: who can be
    chosen under "Allocated to", and the names of those a row shows as allocated or reviewing.
    One query."""
    members = User.objects.filter(role__in=STAFF_ROLES).order_by("family_name", "given_name")
    return [
        StaffMember(pk, _full_name(given, family), active)
        for pk, given, family, active in members.values_list(
            "pk", "given_name", "family_name", "is_active"
        )
    ]


class DashboardFilterForm(forms.Form):
    """The dashboard's GET parameters. Invalid values are ignored, never an error page."""

    queue = forms.ChoiceField(
        required=False, choices=[(q.key, q.label) for q in QUEUES], widget=forms.HiddenInput
    )
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Reference, baby's name, CHI number or postcode",
        widget=forms.TextInput(attrs={"class": "nhsuk-input", "spellcheck": "false"}),
    )
    status = _choice(
        "Status", [s for s in Status.choices if s[0] != Status.DRAFT], anything="Any status"
    )
    referrer_profession = _choice(
        "Referrer's profession",
        [(p.value, p.label) for p in Profession if p in REFERRER_PROFESSIONS],
        anything="Any profession",
    )
    area = _choice(
        "Where the baby lives",
        [
            *[(council.slug, council.name) for council in CATCHMENT.councils],
            (ELSEWHERE, "Elsewhere or not known"),
        ],
        anything="Anywhere",
    )
    allocated_to = _choice("Allocated to", [], anything="Anyone or no one")
    priority = _choice("Priority", [*Priority.choices, (NOT_SET, "Not set")], anything="Any")
    eligibility_outcome = _choice(
        "Eligibility outcome",
        [(key, label) for key, (label, _tag) in ELIGIBILITY_LABELS.items()],
        anything="Any outcome",
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(OLDEST, "Oldest received first"), (NEWEST, "Newest received first")],
        widget=PlainSelect(attrs={"class": "nhsuk-select nhsuk-u-width-full"}),
    )

    def __init__(self, *args, staff, **kwargs):
        """`staff`: who can be chosen under "Allocated to" (`staff()`)."""
        super().__init__(*args, **kwargs)
        self.fields["allocated_to"].choices = [
            ("", "Anyone or no one"),
            (NOT_ALLOCATED, "Not allocated"),
            *((str(m.pk), m.name if m.active else f"{m.name} (left)") for m in staff),
        ]

    def filters(self):
        """The valid filters, with defaults for the rest."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        search = (data.get("q") or "").strip()
        return Filters(
            queue=data.get("queue") or (SEARCH_QUEUE if search else DEFAULT_QUEUE),
            search=search,
            status=data.get("status") or "",
            referrer_profession=data.get("referrer_profession") or "",
            area=data.get("area") or "",
            allocated_to=data.get("allocated_to") or "",
            priority=data.get("priority") or "",
            eligibility_outcome=data.get("eligibility_outcome") or "",
            sort=data.get("sort") or OLDEST,
        )


@dataclass(frozen=True)
class Filters:
    queue: str = DEFAULT_QUEUE
    search: str = ""
    status: str = ""
    referrer_profession: str = ""
    area: str = ""
    allocated_to: str = ""
    priority: str = ""
    eligibility_outcome: str = ""
    sort: str = OLDEST

    @property
    def chosen(self):
        """The filters (not the search, queue or order) that narrow the list, by GET name."""
        return {
            name: value
            for name, value in [
                ("status", self.status),
                ("referrer_profession", self.referrer_profession),
                ("area", self.area),
                ("allocated_to", self.allocated_to),
                ("priority", self.priority),
                ("eligibility_outcome", self.eligibility_outcome),
            ]
            if value
        }

    @property
    def narrowing(self):
        """Whether anything beyond the queue and the order narrows the list."""
        return bool(self.search or self.chosen)

    @property
    def summary(self):
        """The collapsed filters' summary: "Filters", or "Filters (2 active)"."""
        return f"Filters ({len(self.chosen)} active)" if self.chosen else "Filters"


# --- the queries ----------------------------------------------------------------------------


def _in_council(codes):
    return Exists(
        Postcode.objects.filter(postcode=OuterRef("infant__postcode"), council_area_code__in=codes)
    )


def filtered(user, filters):
    """Referrals the user may see that match every filter but the queue. Never drafts:
    visible_to already hides them from the team, and the dashboard says so again on purpose."""
    referrals = Referral.objects.visible_to(user).exclude(status=Status.DRAFT)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.referrer_profession:
        referrals = referrals.filter(referrer_profession=filters.referrer_profession)
    if filters.area in AREA_COUNCILS:
        referrals = referrals.filter(_in_council([AREA_COUNCILS[filters.area]]))
    elif filters.area == ELSEWHERE:
        referrals = referrals.filter(~_in_council(list(AREA_COUNCILS.values())))
    if filters.allocated_to == NOT_ALLOCATED:
        referrals = referrals.filter(allocated_to__isnull=True)
    elif filters.allocated_to:
        referrals = referrals.filter(allocated_to_id=int(filters.allocated_to))
    if filters.priority == NOT_SET:
        referrals = referrals.filter(priority="")
    elif filters.priority:
        referrals = referrals.filter(priority=filters.priority)
    if filters.eligibility_outcome:
        referrals = referrals.filter(eligibility_outcome=filters.eligibility_outcome)
    if filters.search:
        referrals = referrals.search(filters.search)
    return referrals


def _links():
    """The referral's secure links not yet used, as arrays (a subquery, so the page's query
    count does not grow with its rows): what `_link_state` reads. Their state is worked out
    when the page is drawn, at its moment, so the rows hold no moment of their own and a
    first page's rows can be kept (referrals.team.unchanged)."""
    # A link whose views were sent shows as "Views received" (`parent_views_received`).
    links = ParentInvitation.objects.filter(referral=OuterRef("pk"), submitted_at__isnull=True)
    return ArraySubquery(
        links.order_by().values(
            json=JSONObject(
                revoked="revoked_at",
                locked="locked_at",
                expires="expires_at",
                opened="first_opened_at",
            )
        )
    )


LINK_RANKS = {
    "locked": LINK_LOCKED,
    "opened": LINK_OPENED,
    "sent": LINK_SENT,
    "expired": LINK_EXPIRED,
    "revoked": LINK_REVOKED,
}


def _link_state(links, now):
    """The most telling state (LINK_*) of a referral's links (`_links`) at `now`, each link's
    as ParentInvitation.state says it; None for none."""
    states = (
        ParentInvitation(
            revoked_at=link["revoked"],
            locked_at=link["locked"],
            expires_at=datetime.datetime.fromisoformat(link["expires"]),
            first_opened_at=link["opened"],
        ).state(now)
        for link in links
    )
    return min((LINK_RANKS[state] for state in states), default=None)


# What a row shows (`row`), and nothing else, read as values (no model instances: 25 rows a page,
# each with four people): a referral has ~80 columns, JSON among them; of the people, their
# names; the clock's appointments and unavailability as arrays (referrals.models.clock_columns).
# The staff a row names (allocated to, reviewing) by id, their names from `staff()`: two joins
# fewer for the page's query to plan.
PEOPLE = ("infant", "referrer")
ROW_FIELDS = (
    "reference",
    "status",
    "submitted_at",
    "closed_on",
    "decided_at",
    "referrer_name",
    "referrer_profession",
    "eligibility_outcome",
    "possible_duplicate",
    "priority",
    "answer_received_at",
    "parent_views_method",
    "allocated_to_id",
    "review_started_by_id",
    "infant__date_of_birth",
    *(f"{person}__{name}" for person in PEOPLE for name in ("given_name", "family_name")),
    "information_requested_at",
    "parent_views_received",
    "parent_links",
    "clock_appointments",
    "clock_unavailability",
)


def in_queue(referrals, filters, now):
    """The queue's referrals (what the page's keys are read from, by the queue's index)."""
    return referrals.in_queue(filters.queue, now)


@functools.cache
def _rows_query():
    """Every referral with everything its row shows (ROW_FIELDS): a page's rows are this
    filtered to the page's keys (`page_rows`). The row's subqueries are in its SELECT list, each
    by an index on its table's `referral`, and run for the page's rows only (never a pass over
    every parents' views row). Built once a process: adding the annotations resolves each
    subquery, which cost more than running the whole query (issue 18); a page only adds its
    keys and its order to a copy."""
    latest_question = InformationRequest.objects.filter(referral=OuterRef("pk")).order_by(
        "-asked_at", "-id"
    )
    views_received = ParentViews.objects.filter(referral=OuterRef("pk"), submitted_at__isnull=False)
    return Referral._base_manager.annotate(
        information_requested_at=Subquery(latest_question.values("asked_at")[:1]),
        # A value, not an EXISTS, which the planner may turn into a hash of every parents'
        # views row: this is one index lookup for each of the page's rows.
        parent_views_received=Subquery(views_received.values("pk")[:1]),
        parent_links=_links(),
        **clock_columns(),
    ).values(*ROW_FIELDS)


def page_rows(keys):
    """The rows of the referrals whose keys (a subquery of primary keys) are `keys`."""
    return _rows_query().filter(pk__in=keys)


def is_capped(count):
    """Whether a queue's count stopped at the cap (ReferralQuerySet.queue_counts, ADR 0014)."""
    return count > COUNT_CAP


def count_text(count):
    return f"more than {COUNT_CAP:,}" if is_capped(count) else f"{count:,}"


def is_first_page(params):
    """Whether the GET parameters ask for a queue's first page (no cursor, or one not valid)."""
    return cursor_from(params, WHOLE_REFERENCE) == Cursor()


def paginate(referrals, filters, params, count):
    """The keyset page the GET parameters point to (the first for anything invalid), its rows
    with everything they show; `count` is the queue's, from `queue_counts`, which places the
    last page when exact."""
    return keyset_page(
        referrals,
        decorate=page_rows,
        ordering=ORDERINGS[filters.sort],
        key="reference",
        cursor=cursor_from(params, WHOLE_REFERENCE),
        size=PAGE_SIZE,
        total=None if is_capped(count) else count,
    )


def counts_and_page(referrals, filters, params, now, kept):
    """The queue counts and the page of rows. With no search and no filter both are the same
    for every team member, so `kept` (referrals.team.unchanged.Kept) keeps them while the data
    is unchanged: the counts, and each queue's first page (its rows' words are made at each
    page's own moment, by `rows`)."""

    def read_page():
        return paginate(in_queue(referrals, filters, now), filters, params, counts[filters.queue])

    if filters.narrowing:
        counts = referrals.queue_counts(now)
        return counts, read_page()
    counts = kept("queue_counts", lambda: referrals.queue_counts(now))
    if not is_first_page(params):
        return counts, read_page()
    return counts, kept(f"first page {filters.queue} {filters.sort}", read_page)


# --- what the page shows --------------------------------------------------------------------


@dataclass(frozen=True)
class QueueLink:
    key: str
    label: str
    count: int  # COUNT_CAP + 1 means "more than COUNT_CAP"
    href: str
    current: bool

    @property
    def count_text(self):
        return count_text(self.count)


def queue_links(params, filters, counts):
    """The queues as links that keep the other filters (and go back to the first page)."""
    first_page = dict.fromkeys((*KEYSET_PARAMS, "page"))  # "page": an address from before keysets
    return [
        QueueLink(
            key=queue.key,
            label=queue.label,
            count=counts[queue.key],
            href=query_with(params, queue=queue.key, **first_page),
            current=queue.key == filters.queue,
        )
        for queue in QUEUES
    ]


@dataclass(frozen=True)
class DashboardRow:
    reference: str
    href: str  # the team's referral page
    baby_name: str
    age: str
    referrer_name: str
    referrer_profession: str
    received_on: datetime.date | None
    received_text: str  # "1 Feb 2026"
    days_waiting: str
    week_of_18: str
    over_18_weeks: bool
    status: str
    status_class: str
    status_detail: str
    answer_received: bool  # the referrer answered; the team has not opened the page since
    eligibility: str
    eligibility_class: str
    parent_views: str
    possible_duplicate: bool
    priority: str
    urgent: bool
    allocated_to: str

    def __getitem__(self, name):
        # A template looks a name up as a key before an attribute: answering as a key spares
        # the exception that the attribute lookup would follow, in each of a page's ~600.
        return getattr(self, name)


def _age(born, today):
    if born is None or today < born:
        return "Not known"
    return plural(age_in_months(born, today), "month")


# The labels, looked up once: an enum's `.values` and a model's get_..._display() rebuild their
# lists on every call, 25 times a page.
PROFESSION_LABELS = dict(Profession.choices)
STATUS_LABELS = dict(Status.choices)
PRIORITY_LABELS = dict(Priority.choices)


def _profession(value):
    return PROFESSION_LABELS.get(value) or value or "Not given"


def _full_name(given, family):
    """A person's name as User.full_name and Infant.full_name write it; "" for none."""
    return f"{given or ''} {family or ''}".strip()


def _name(values, person):
    """A person's name from a row's values."""
    return _full_name(values[f"{person}__given_name"], values[f"{person}__family_name"])


def _waiting(values, today):
    """(days, "N weeks", over 18 weeks?): the referral-to-treatment clock (adjusted, as the
    waiting list counts it) while the referral is open and treatment has not started."""
    if values["status"] not in WAITING_STATUSES:
        return "Not waiting", "", False
    appointments, unavailability = clock_of(values)
    wait = wait_of(
        status=values["status"],
        received_on=received_on(values["submitted_at"]),
        closed_on=values["closed_on"],
        today=today,
        appointments=appointments,
        unavailability=unavailability,
    )
    return (
        plural(wait.adjusted_days, "day"),
        f"{wait.adjusted_weeks} of {waiting_times.TREATMENT_WEEKS} weeks",
        wait.adjusted_weeks > waiting_times.TREATMENT_WEEKS,
    )


def _status_detail(values, names):
    status = values["status"]
    reviewer = values["review_started_by_id"]
    if status == Status.IN_REVIEW and reviewer is not None:
        return f"by {names[reviewer]}"
    asked_at = values.get("information_requested_at")
    if status == Status.INFORMATION_REQUESTED and asked_at:
        return f"waiting since {nhs_date(timezone.localdate(asked_at))}"
    if status == Status.DECLINED and values["decided_at"]:
        return f"on {nhs_date(timezone.localdate(values['decided_at']))}"
    return ""


def _parent_views(values, now):
    """Views received, else the state of the secure links, else how the referrer said the
    parents would give their views (the annotations come from `_rows_query`)."""
    if values.get("parent_views_received"):
        return VIEWS_RECEIVED
    link_state = _link_state(values["parent_links"], now)
    if link_state in LINK_LABELS:
        return LINK_LABELS[link_state]
    return PARENT_VIEWS_LABELS.get(values["parent_views_method"], "Not given")


# The referral page's address with a stand-in reference: one reverse() a page, not one a row.
_REFERENCE_SLOT = "IMH-0000-00000"


def _referral_href():
    return reverse("referrals:team_referral", args=[_REFERENCE_SLOT])


def row(values, now, names, href=None):
    """A row ready to print at `now` from a referral's values (ROW_FIELDS, read by
    `page_rows`); `names`: the staff's names by id (`staff_names`)."""
    today = timezone.localdate(now)
    received = received_on(values["submitted_at"])
    days, week, over = _waiting(values, today)
    eligibility, eligibility_class = ELIGIBILITY_LABELS.get(
        values["eligibility_outcome"], ("Not assessed", "nhsuk-tag--grey")
    )
    status, priority = values["status"], values["priority"]
    return DashboardRow(
        reference=values["reference"],
        href=(href or _referral_href()).replace(_REFERENCE_SLOT, values["reference"]),
        baby_name=_name(values, "infant") or "Name not given",
        age=_age(values["infant__date_of_birth"], today),
        referrer_name=values["referrer_name"] or _name(values, "referrer"),
        referrer_profession=_profession(values["referrer_profession"]),
        received_on=received,
        received_text=f"{received.day} {received:%b %Y}" if received else "",
        days_waiting=days,
        week_of_18=week,
        over_18_weeks=over,
        status=STATUS_LABELS.get(status, status),
        status_class=STATUS_TAGS[status],
        status_detail=_status_detail(values, names),
        answer_received=values["answer_received_at"] is not None,
        eligibility=eligibility,
        eligibility_class=eligibility_class,
        parent_views=_parent_views(values, now),
        possible_duplicate=values["possible_duplicate"],
        priority=PRIORITY_LABELS.get(priority, priority) or "Not set",
        urgent=priority == Priority.URGENT,
        allocated_to=names.get(values["allocated_to_id"], "Not allocated"),
    )


def staff_names(staff, page_rows):
    """The names of the staff the rows name, by id: from `staff` (kept), and in one query
    those it lacks (someone allocated whose role has since changed)."""
    names = {member.pk: member.name for member in staff}
    named = {values[field] for values in page_rows for field in STAFF_FIELDS} - {None}
    if missing := named - names.keys():
        found = User.objects.filter(pk__in=missing).values_list("pk", "given_name", "family_name")
        names.update({pk: _full_name(given, family) for pk, given, family in found})
    return names


STAFF_FIELDS = ("allocated_to_id", "review_started_by_id")


def rows(page_rows, now, staff):
    href = _referral_href()
    names = staff_names(staff, page_rows)
    return [row(values, now, names, href) for values in page_rows]


def caption(filters, page, count):
    """Where the page is: "New: 26 to 50 of 1,234 referrals, oldest received first". Past the
    count's cap, "of more than 1,000"; on a page reached from the last with the count capped,
    where it is is not known (counting would read every row before it), and the caption says
    only how many it shows, and whether they are the last."""
    queue = QUEUES_BY_KEY[filters.queue].label
    if filters.search and filters.queue == SEARCH_QUEUE:
        queue = "Matches in every queue"
    order = "oldest" if filters.sort == OLDEST else "newest"
    if not page.rows:
        return f"{queue}: no referrals"
    of = f"of {count_text(count)} referrals" if count != 1 else "of 1 referral"
    if page.start:
        end = page.start + len(page.rows) - 1
        return f"{queue}: {page.start:,} to {end:,} {of}, {order} received first"
    shown = plural(len(page.rows), "referral")
    where = ", the last" if page.cursor.last else ""
    return f"{queue}: {shown}{where} {of}, {order} received first"


def key_of(values):
    return values["reference"]


def clear_filters_href(filters, search_key=""):
    """The queue and the search (its key: imhs.search_terms) without the filters."""
    params = {"queue": filters.queue}
    if filters.search and search_key:
        params["s"] = search_key
    return "?" + urlencode(params)


# What the search form may send besides its text (search_keeps): never the queue.
SEARCH_KEEPS = (
    "status",
    "referrer_profession",
    "area",
    "allocated_to",
    "priority",
    "eligibility_outcome",
    "sort",
)


def search_keeps(filters):
    """What the search form sends besides the text: the chosen filters and the order, never
    the queue (a search looks in every queue)."""
    keep = dict(filters.chosen)
    if filters.sort != OLDEST:
        keep["sort"] = filters.sort
    return list(keep.items())


def matches_elsewhere(queues, filters):
    """The "All referrals" link when the chosen queue has no match but other queues do."""
    everywhere = next(queue for queue in queues if queue.key == SEARCH_QUEUE)
    current = next(queue for queue in queues if queue.current)
    if current.count or not everywhere.count or current is everywhere:
        return None
    return everywhere
