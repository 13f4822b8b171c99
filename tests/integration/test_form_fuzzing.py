"""Robustness (issue 8, point 8): generated rubbish posted to every form is never a 500.

Each test signs in the role that uses the form, opens the page the form is on, reads the form's
real field names (and the values its radios, boxes and lists offer) from the HTML, then posts
dicts drawn by hypothesis: the real values, blanks, 10,000-character text, NUL bytes, lone
surrogates (sent as the invalid UTF-8 a hostile client can send), emoji, numbers as text, huge
and negative numbers, dates in odd formats, several values for one key, missing fields, and
random extra keys. The test client re-raises any exception in a view, and the response must be
below 500.

Every example runs in a savepoint that is rolled back afterwards (and the client's cookies are
put back), so each one starts from the same referral, session and second factor: a referral
sent by one example is a draft again for the next. `FUZZ_EXAMPLES` sets how many examples each
form gets (default 12, which keeps this module to about 30 seconds); raise it to hunt further.
"""

import datetime
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from referrals import invitations, retention, subject_access, workflow
from referrals.models import RetentionReview, SignpostService
from referrals.team import subject_access as bundles
from referrals.team.forms.triage import FORMS
from tests.factories import (
    AppointmentFactory,
    CareRelationshipFactory,
    GPPracticeFactory,
    PostcodeFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import sign_in

pytestmark = [
    pytest.mark.django_db,
    # A failing example is reported whole, however long.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # No shrinking: with 10,000-character values it takes minutes, and the failing example
    # is reported as drawn.
    phases=[Phase.explicit, Phase.generate],
    # The test body builds its own objects; the strategies draw big values on purpose.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- The values -----------------------------------------------------------------------------

LONG = 10_000
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: sent as invalid UTF-8
    "\udfff\ud800",
    "😀👶🏽",
    "e\u0301",
    "\u202eRTL",
    "\t\r\n",
    "0",
    "-1",
    "1e309",
    "NaN",
    "-inf",
    "0x1F",
    "99999999999999999999999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    '{"a": 1}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "ML5 3BJ",
    "0101011237",
    "test@example.org",
    "07700 900123",
]
ODD_DATES = [
    "2025-02-30",
    "30/02/2025",
    "0000-00-00",
    "1/1/1",
    "31.12.2025",
    "2025-W07",
    "14 February 2025",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "29/02/2023",
    "2025-02-14T25:61:00",
    "-2025-01-01",
]

odd = st.sampled_from(ODD_TEXT)
long_text = st.sampled_from(["x", "\x00", "é", "😀", "\ud800", "a b"]).map(lambda c: c * LONG)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(min_value=2**63).map(str),
    st.integers(max_value=-1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
dates = st.one_of(
    st.sampled_from(ODD_DATES),
    st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(min_value=datetime.date(1000, 1, 1)),
        st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%m/%d/%y", "%d"]),
    ),
)
# Surrogates included: hypothesis leaves them out unless asked.
any_text = st.text(st.characters(codec=None, exclude_categories=[]), max_size=40)


def field_values(offered):
    """One value for a field: often what the page offers, else anything odd."""
    strategies = [odd, long_text, numbers, dates, any_text]
    if offered:
        strategies.insert(0, st.sampled_from(sorted(offered)))
        strategies.insert(0, st.sampled_from(sorted(offered)))
    return st.one_of(strategies)


# An inline's form count. Django caps it (at 2,000 forms) and draws them all, which takes
# seconds an example: small and broken counts only.
management = st.one_of(
    st.integers(min_value=-3, max_value=4).map(str),
    st.sampled_from(["", "abc", "\x00", "1.5", "1e3", "\ud800"]),
)


def payloads(fields):
    """A list of (key, value) pairs: each real field missing, once, or repeated, plus a few
    random keys."""

    def one_field(name):
        value = field_values(fields[name])
        if name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            value = st.one_of(st.sampled_from(sorted(fields[name]) or [""]), management)
        return st.one_of(
            st.just([]),  # missing
            value.map(lambda v: [(name, v)]),
            st.lists(value, min_size=2, max_size=3).map(lambda vs: [(name, v) for v in vs]),
        )

    known = st.tuples(*(one_field(name) for name in sorted(fields))) if fields else st.just(())
    extra = st.lists(st.tuples(any_text.filter(bool), field_values(set())), max_size=3)
    return st.builds(
        lambda parts, more: [pair for part in parts for pair in part] + more, known, extra
    )


def encoded(pairs):
    """application/x-www-form-urlencoded, lone surrogates as the invalid UTF-8 bytes they are."""

    def part(text):
        return quote(str(text).encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{part(key)}={part(value)}" for key, value in pairs)


# --- Reading a page's forms ---------------------------------------------------------------


@dataclass
class Submission:
    action: str
    method: str
    fields: dict  # name -> the values the page offers for it (may be empty)
    button: tuple | None = None  # a formaction button's own (name, value)


class FormReader(HTMLParser):
    """Every way a page can submit: each <form>, and each button with its own formaction."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.submissions = []
        self.link_parameters = {}  # name -> values, from links such as a list filter's "?..."
        self.current = None
        self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("?"):
            for name, value in parse_qsl(attrs["href"][1:], keep_blank_values=True):
                self.link_parameters.setdefault(name, set()).add(value)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_url).path
            method = (attrs.get("method") or "get").lower()
            self.current = Submission(action, method, {})
            self.submissions.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "button" and attrs.get("formaction"):
            # The same fields, sent elsewhere: a submission of its own.
            # The form's fields (shared: those after the button count too) and the button.
            target = Submission(urlsplit(attrs["formaction"]).path, self.current.method, {})
            target.fields = self.current.fields
            target.button = (name, attrs.get("value", "")) if name else None
            self.submissions.append(target)
            return
        if tag in {"input", "button", "textarea", "select"} and name:
            offered = self.current.fields.setdefault(name, set())
            if tag in {"input", "button"} and attrs.get("value") is not None:
                offered.add(attrs["value"])
            if tag == "select":
                self.select = offered
        elif tag == "option" and self.select is not None:
            self.select.add(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def read_page(response):
    assert response.status_code == 200, response.status_code
    reader = FormReader(response.wsgi_request.path)
    reader.feed(response.content.decode())
    return reader


def form_on(response, action, *, method="post"):
    """The fields of the page's form that submits to `action`."""
    reader = read_page(response)
    for submission in reader.submissions:
        if submission.action == action and submission.method == method:
            fields = {k: v for k, v in submission.fields.items() if k != "csrfmiddlewaretoken"}
            if submission.button:
                name, value = submission.button
                fields[name] = {*fields.get(name, ()), value}
            return fields
    found = sorted((s.method, s.action) for s in reader.submissions)
    raise AssertionError(f"No {method} form to {action} on the page; found {found}")


# --- Posting ------------------------------------------------------------------------------


def never_a_500(client, url, fields, *, method="post"):
    """Post (or GET) generated data to `url`, each example in a savepoint rolled back after."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))

    @FUZZ
    @given(pairs=payloads(fields))
    def check(pairs):
        client.cookies = SimpleCookie()
        client.cookies.load(cookies.output(header="", sep=";"))
        body = encoded(pairs)
        with transaction.atomic():
            if method == "get":
                response = client.get(f"{url}?{body}")
            else:
                response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
        assert response.status_code < 500, response.status_code

    check()


def staff_client(user):
    return sign_in(Client(raise_request_exception=True), user)


def fuzz_page(client, page_url, action=None, *, method="post"):
    """The form on `page_url` that submits to `action` (the page itself by default), fuzzed."""
    action = action or page_url
    fields = form_on(client.get(page_url), action, method=method)
    never_a_500(client, action, fields, method=method)


# --- Referrals in each state ----------------------------------------------------------------


@pytest.fixture
def referrer():
    return ReferrerFactory()


@pytest.fixture
def member():
    return TeamMemberFactory()


@pytest.fixture
def lead():
    return ServiceLeadFactory()


@pytest.fixture
def draft(referrer):
    GPPracticeFactory(name="Testville Medical Practice")
    PostcodeFactory(postcode="ML5 9ZZ")
    return ReferralFactory(referrer=referrer)


def sent(referrer, member, status="submitted"):
    referral = ReferralFactory(referrer=referrer, submitted=True)
    CareRelationshipFactory(infant=referral.infant, relationship="father", is_main_carer=False)
    steps = {
        "submitted": [],
        "in_review": ["start_review"],
        "information_requested": ["start_review", "request_information"],
        "accepted": ["start_review", "accept"],
    }[status]
    for step in steps:
        referral.refresh_from_db()
        arguments = {
            "request_information": {"question": "Synthetic question for tests?"},
            "accept": {"priority": "routine"},
        }.get(step, {})
        getattr(workflow, step)(referral, by=member, version=referral.version, **arguments)
    referral.refresh_from_db()
    return referral


# Where each team action's form is offered.
ACTION_STATUS = {
    "start_review": "submitted",
    "request_information": "in_review",
    "accept": "in_review",
    "decline": "in_review",
    "withdraw": "in_review",
    "allocate": "accepted",
    "close": "accepted",
}


def test_every_team_action_is_fuzzed():
    assert set(ACTION_STATUS) == set(FORMS)


# --- Referrers ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["baby", "concerns", "safety", "consent", "about-you"])
def test_section_forms(referrer, draft, slug):
    client = staff_client(referrer)
    fuzz_page(client, reverse("referrals:section", args=[draft.pk, slug]))


def test_carers_list(referrer, draft):
    fuzz_page(staff_client(referrer), reverse("referrals:carers", args=[draft.pk]))


def test_carer_add(referrer, draft):
    fuzz_page(staff_client(referrer), reverse("referrals:carer_add", args=[draft.pk]))


def test_carer_change(referrer, draft):
    relationship = draft.infant.care_relationships.get()
    url = reverse("referrals:carer_change", args=[draft.pk, relationship.pk])
    fuzz_page(staff_client(referrer), url)


def test_carer_remove(referrer, draft):
    relationship = draft.infant.care_relationships.get()
    url = reverse("referrals:carer_remove", args=[draft.pk, relationship.pk])
    fuzz_page(staff_client(referrer), url)


def test_discard_a_carer_page(referrer, draft):
    client = staff_client(referrer)
    page = reverse("referrals:carer_add", args=[draft.pk])
    fuzz_page(client, page, reverse("referrals:discard", args=[draft.pk, "carers:new"]))


def test_practice_search_query(referrer, draft):
    url = reverse("referrals:find_practice", args=[draft.pk])
    fuzz_page(staff_client(referrer), url, method="get")


def test_practice_choice(referrer, draft):
    client = staff_client(referrer)
    url = reverse("referrals:find_practice", args=[draft.pk])
    fuzz_page(client, f"{url}?q=Testville", url)


def test_find_practice_button_of_the_baby_page(referrer, draft):
    client = staff_client(referrer)
    page = reverse("referrals:section", args=[draft.pk, "baby"])
    fuzz_page(client, page, reverse("referrals:find_practice", args=[draft.pk]))


def test_check_and_submit(referrer, draft):
    fuzz_page(staff_client(referrer), reverse("referrals:check", args=[draft.pk]))


def test_delete(referrer, draft):
    fuzz_page(staff_client(referrer), reverse("referrals:delete", args=[draft.pk]))


def test_new_referral(referrer):
    fuzz_page(staff_client(referrer), reverse("referrals:new"))


def test_answer_question(referrer, member):
    referral = sent(referrer, member, "information_requested")
    client = staff_client(referrer)
    page = reverse("referrals:detail", args=[referral.pk])
    fuzz_page(client, page, reverse("referrals:answer_question", args=[referral.pk]))


# --- The team -------------------------------------------------------------------------------


def team_page(referral):
    return reverse("referrals:team_referral", args=[referral.reference])


@pytest.mark.parametrize("action", sorted(ACTION_STATUS))
def test_team_actions(referrer, member, action):
    referral = sent(referrer, member, ACTION_STATUS[action])
    client = staff_client(member)
    url = reverse("referrals:team_action", args=[referral.reference, action])
    fuzz_page(client, team_page(referral), url)


def test_team_note(referrer, member):
    referral = sent(referrer, member)
    url = reverse("referrals:team_note", args=[referral.reference])
    fuzz_page(staff_client(member), team_page(referral), url)


def test_reassess(referrer, member):
    referral = sent(referrer, member)
    url = reverse("referrals:team_reassess", args=[referral.reference])
    fuzz_page(staff_client(member), team_page(referral), url)


def test_invite(referrer, member):
    referral = sent(referrer, member)
    url = reverse("referrals:team_invite", args=[referral.reference])
    fuzz_page(staff_client(member), team_page(referral), url)


@pytest.mark.parametrize("name", ["team_invite_resend", "team_invite_revoke"])
def test_resend_and_revoke(referrer, member, name):
    referral = sent(referrer, member)
    carer = referral.infant.care_relationships.first().carer
    invitation, _token = invitations.create(referral, carer=carer, by=member, send_email=False)
    url = reverse(f"referrals:{name}", args=[referral.reference, invitation.pk])
    fuzz_page(staff_client(member), team_page(referral), url)


def test_book_appointment(referrer, member):
    referral = sent(referrer, member, "accepted")
    url = reverse("referrals:team_book_appointment", args=[referral.reference])
    fuzz_page(staff_client(member), url)


@pytest.mark.parametrize("name", ["attendance", "cancel", "rebook", "email"])
def test_appointment_forms(referrer, member, name):
    referral = sent(referrer, member, "accepted")
    # Today: every form on its page is offered, what happened included.
    appointment = AppointmentFactory(referral=referral, on=timezone.localdate())
    page = reverse("referrals:team_appointment", args=[referral.reference, appointment.pk])
    url = reverse(f"referrals:team_appointment_{name}", args=[referral.reference, appointment.pk])
    fuzz_page(staff_client(member), page, url)


def test_unavailability_forms(referrer, member):
    referral = sent(referrer, member, "accepted")
    client = staff_client(member)
    fuzz_page(
        client,
        team_page(referral),
        reverse("referrals:team_unavailability", args=[referral.reference]),
    )
    period = UnavailabilityFactory(referral=referral)
    url = reverse("referrals:team_remove_unavailability", args=[referral.reference, period.pk])
    fuzz_page(client, team_page(referral), url)


def test_dashboard_search_and_filters(member):
    """The folded filters (a GET form) with a search typed into the address, and the search
    form (posted, then its key followed), fuzzed."""
    client = staff_client(member)
    url = reverse("referrals:dashboard")
    fields = {}
    posted = {}
    for submission in read_page(client.get(url)).submissions:
        if submission.action != url:
            continue
        target = fields if submission.method == "get" else posted
        for name, offered in submission.fields.items():
            target.setdefault(name, set()).update(offered)
    assert {"queue", "status", "priority", "sort"} <= fields.keys()
    assert "q" in posted
    never_a_500(client, url, {**fields, "q": set(), "s": set()}, method="get")
    never_a_500(client, url, posted, method="post")


@pytest.mark.parametrize("page", ["team_reports", "team_report_trends"])
def test_report_month_picker(member, page):
    """The month picker (a GET form) with anything in `?month=`."""
    url = reverse(f"referrals:{page}")
    fuzz_page(staff_client(member), url, method="get")


@pytest.mark.parametrize("kind", ["csv", "xlsx", "national", "extract"])
def test_report_downloads(lead, kind):
    """Each download's form on the report page (the month in the body), as a service lead (who
    sees them all); a month with nothing in it keeps each example quick."""
    page = reverse("referrals:team_reports") + "?month=2019-01"
    fuzz_page(staff_client(lead), page, reverse(f"referrals:team_report_{kind}"))


def test_national_codes(lead):
    fuzz_page(staff_client(lead), reverse("referrals:team_national_codes"))


def test_waiting_list_filters(member):
    fuzz_page(staff_client(member), reverse("referrals:team_waiting_list"), method="get")


def test_reassign(member, lead):
    for _ in range(2):
        ReferralFactory(
            submitted=True,
            status="accepted",
            decided_at=timezone.now(),
            decided_by=lead,
            allocated_to=member,
            allocated_at=timezone.now(),
        )
    page = reverse("referrals:team_caseload", args=[member.pk])
    url = reverse("referrals:team_reassign", args=[member.pk])
    fuzz_page(staff_client(lead), page, url)


def test_subject_access_search(referrer, member, lead):
    sent(referrer, member)
    fuzz_page(staff_client(lead), reverse("referrals:team_subject_access"))


def test_subject_access_start(referrer, member, lead):
    referral = sent(referrer, member)
    fuzz_page(
        staff_client(lead), reverse("referrals:team_subject_access_new", args=[referral.reference])
    )


@pytest.mark.parametrize("step", ["produce", "redact", "release"])
def test_subject_access_steps(referrer, member, lead, step):
    referral = sent(referrer, member)
    sar = subject_access.start(infant=referral.infant, requested_on=timezone.localdate(), by=lead)
    content, referrals = bundles.build(sar)
    subject_access.produce(sar, by=lead, version=sar.version, content=content, referrals=referrals)
    page = reverse("referrals:team_subject_access_request", args=[sar.pk])
    url = reverse(f"referrals:team_subject_access_{step}", args=[sar.pk])
    fuzz_page(staff_client(lead), page, url)


def test_retention_rule(lead):
    retention.ensure_default_rules()
    for kind in ("declined_or_withdrawn", "sessions"):
        fuzz_page(staff_client(lead), reverse("referrals:team_retention_rule", args=[kind]))


def test_review_keep_longer_and_destroy(lead):
    referral = ReferralFactory(declined=True)
    review = RetentionReview.objects.create(
        referral=referral,
        reference=referral.reference,
        kind="declined_or_withdrawn",
        clock_started_on=timezone.localdate(),
        due_on=timezone.localdate(),
        created_at=timezone.now(),
    )
    client = staff_client(lead)
    page = reverse("referrals:team_retention_review", args=[review.pk])
    for name in ("team_retention_keep", "team_retention_destroy"):
        fuzz_page(client, page, reverse(f"referrals:{name}", args=[review.pk]))


def test_legal_hold(lead):
    referral = ReferralFactory(declined=True)
    fuzz_page(staff_client(lead), reverse("referrals:team_legal_hold", args=[referral.reference]))


path_parts = st.one_of(odd, long_text, numbers, dates, any_text).filter(lambda text: text.strip())


def segment(text):
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@pytest.mark.parametrize(
    ("role", "method", "address"),
    [
        ("member", "get", "/team/referrals/{}/"),
        ("member", "post", "/team/referrals/{}/notes/"),
        ("member", "post", "/team/referrals/{}/accept/"),
        ("member", "post", "/team/referrals/{}/invitations/"),
        ("member", "get", "/team/referrals/{}/letter/referrer/"),
        ("lead", "get", "/team/subject-access/new/{}/"),
        ("referrer", "post", "/referrals/{draft}/discard/{}/"),
        ("parent", "post", "/views/{}/"),
        ("parent", "get", "/views/{}/"),
    ],
)
def test_odd_text_in_addresses(referrer, member, lead, draft, role, method, address):
    """The text parts of addresses (a referral's reference, a parent's link, a draft's page
    key) are typed by no one, but anyone can send anything there."""
    client = {
        "member": lambda: staff_client(member),
        "lead": lambda: staff_client(lead),
        "referrer": lambda: staff_client(referrer),
        "parent": lambda: Client(raise_request_exception=True),
    }[role]()

    @FUZZ
    @given(text=path_parts)
    def check(text):
        url = address.format(segment(text), draft=draft.pk)
        with transaction.atomic():
            response = getattr(client, method)(url, {"version": draft.version})
            transaction.set_rollback(True)
        assert response.status_code < 500, response.status_code

    check()


# --- Parents --------------------------------------------------------------------------------


@pytest.fixture
def parent_link(referrer, member):
    referral = sent(referrer, member)
    carer = referral.infant.care_relationships.first().carer
    return invitations.create(referral, carer=carer, by=member, send_email=False)


def test_parent_date_of_birth(parent_link):
    _invitation, token = parent_link
    fuzz_page(Client(raise_request_exception=True), reverse("parents:open", args=[token]))


def test_parent_views(parent_link):
    invitation, token = parent_link
    client = Client(raise_request_exception=True)
    born = invitation.referral.infant.date_of_birth
    opened = client.post(
        reverse("parents:open", args=[token]),
        {
            "date_of_birth_day": born.day,
            "date_of_birth_month": born.month,
            "date_of_birth_year": born.year,
        },
    )
    assert opened.status_code == 302
    fuzz_page(client, reverse("parents:views"))


# --- Accounts -------------------------------------------------------------------------------


def test_sign_in(referrer):
    fuzz_page(Client(raise_request_exception=True), reverse("login"))


def test_password_change(referrer):
    fuzz_page(staff_client(referrer), reverse("password_change"))


def test_password_reset(referrer):
    fuzz_page(Client(raise_request_exception=True), reverse("password_reset"))


def test_password_reset_confirm():
    user = ReferrerFactory(password="an-old-synthetic-password")
    client = Client(raise_request_exception=True)
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    response = client.get(link, follow=True)  # the token moves to the session
    page = response.wsgi_request.path
    fuzz_page(client, page)


def test_sign_out(referrer):
    client = staff_client(referrer)
    # The sign-out button is in every signed-in page's header.
    fuzz_page(client, reverse("referrals:mine"), reverse("logout"))


# --- The admin ------------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:{model.replace('.', '_')}_{view}", args=args)


@pytest.mark.parametrize(
    "target",
    [
        "patients.infant change",
        "patients.carer change",
        "patients.carerelationship add",
        "patients.carerelationship change",
        "referrals.referral change",
    ],
)
def test_admin_forms_of_the_team(referrer, member, target):
    referral = sent(referrer, member)
    relationship = referral.infant.care_relationships.first()
    model, view = target.split()
    objects = {
        "patients.infant": referral.infant,
        "patients.carer": relationship.carer,
        "patients.carerelationship": relationship,
        "referrals.referral": referral,
    }
    args = [objects[model].pk] if view == "change" else []
    fuzz_page(staff_client(member), admin_url(model, view, *args))


@pytest.mark.parametrize("action", sorted(ACTION_STATUS))
def test_admin_actions(referrer, member, action):
    referral = sent(referrer, member, ACTION_STATUS[action])
    url = admin_url("referrals.referral", "action", referral.pk, action)
    fuzz_page(staff_client(member), f"{url}?version={referral.version}", url)


@pytest.mark.parametrize(
    "target",
    [
        "imhs.user add",
        "imhs.user change",
        "patients.gppractice add",
        "patients.gppractice change",
        "patients.postcode add",
        "patients.postcode change",
        "referrals.signpostservice add",
        "referrals.signpostservice change",
    ],
)
def test_admin_forms_of_the_service_lead(lead, target):
    model, view = target.split()
    objects = {
        "imhs.user": ReferrerFactory,
        "patients.gppractice": GPPracticeFactory,
        "patients.postcode": PostcodeFactory,
        "referrals.signpostservice": lambda: SignpostService.objects.create(
            name="Test Family Support Service", contact="01698 000123"
        ),
    }
    args = [objects[model]().pk] if view == "change" else []
    fuzz_page(staff_client(lead), admin_url(model, view, *args))


# Every list the admin registers (issue 12, point 3): django-tasks' results and groups are the
# superuser's only, the others the service lead's too.
CHANGELISTS = sorted(model._meta.label_lower for model in admin.site._registry)


@pytest.fixture
def superuser():
    return ServiceLeadFactory(is_superuser=True)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelist_query_strings(superuser, model):
    """The list's search box, every list filter's parameters (from the filters themselves, so a
    filter without a link on the page counts too), the values its links offer, sorting and
    paging: a NUL in any filter is a 400, and generated query strings are never a 500."""
    url = admin_url(model, "changelist")
    client = staff_client(superuser)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = read_page(response)
    fields = {}
    for submission in page.submissions:
        if submission.action == url and submission.method == "get":
            fields.update({name: set(values) for name, values in submission.fields.items()})
    filters = sorted(
        {
            name
            for spec in response.context["cl"].filter_specs
            for name in spec.expected_parameters()
        }
    )
    for name in filters:
        fields.setdefault(name, set())
    # The list filters' and sorting links: each parameter with the values the links offer.
    for name, values in page.link_parameters.items():
        fields.setdefault(name, set()).update(values)
    fields.update({name: set() for name in ("q", "o", "p", "all", "e", "_to_field")})

    for name in filters:
        refused = client.get(url, {name: "\x00"})
        assert refused.status_code == 400, (name, refused.status_code)
    never_a_500(client, url, fields, method="get")


def test_admin_autocomplete(referrer, member):
    """The autocomplete boxes' searches, as the team's care-relationship page asks them."""
    sent(referrer, member)
    fields = {
        "app_label": {"patients"},
        "model_name": {"carerelationship", "infant"},
        "field_name": {"carer", "infant", "gp_practice"},
        "term": {"Parenttest", "Babytest", "ML5"},
        "page": {"1", "2"},
    }
    never_a_500(staff_client(member), reverse("admin:autocomplete"), fields, method="get")


def test_payloads_draw_the_awkward_values():
    """The strategies reach what the module's docstring promises (a check of the test)."""
    seen = []

    @hypothesis_settings(max_examples=300, database=None, deadline=None)
    @given(pairs=payloads({"a": {"x"}, "b": set()}))
    def collect(pairs):
        seen.append(pairs)

    collect()
    values = [value for pairs in seen for _key, value in pairs]
    assert any("\x00" in value for value in values)
    assert any(len(value) >= LONG for value in values)
    assert any(re.search(r"[\ud800-\udfff]", value) for value in values)
    assert any(len([k for k, _v in pairs if k == "a"]) > 1 for pairs in seen)
    assert any(not any(k == "a" for k, _v in pairs) for pairs in seen)
