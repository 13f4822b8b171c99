"""The referral and its journey: the Request for Assistance, its status history, and the
professionals named in it."""

import contextlib
import datetime
import re

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from patients.catchment import CATCHMENT
from patients.chi import validate_chi
from patients.models import Infant
from patients.postcodes import normalise as normalise_postcode
from referrals import waiting_times
from referrals.waiting_times import referral_to_treatment

# A whole reference (workflow.next_reference): looked up by the unique index on `reference`.
WHOLE_REFERENCE = re.compile(r"IMH-[0-9]{4}-[0-9]{5,}", re.IGNORECASE)
# The start of a reference ("IMH-2026-0"): a prefix, through the pattern index Django makes for a
# unique CharField (referrals_referral_reference_..._like, varchar_pattern_ops).
REFERENCE_START = re.compile(r"IMH(-[0-9]{0,4}(-[0-9]*)?)?", re.IGNORECASE)
# A part of one ("00042", "2026-0004"): digits no name, CHI number or postcode has.
REFERENCE_PART = re.compile(r"[0-9]+(-[0-9]+)?")
# A name word shorter than this has no trigram of its own inside a name: it matches the start
# of a name (the index has the padded "  a" and " ab" a name begins with), longer ones anywhere.
TRIGRAM = 3


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    ACCEPTED = "accepted", "Accepted"
    IN_TREATMENT = "in_treatment", "In treatment"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


# Open = with the team and not yet decided, or accepted and not closed: what a new referral
# may duplicate.
OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.INFORMATION_REQUESTED,
    Status.ACCEPTED,
    Status.IN_TREATMENT,
)
# Accepted and not closed: waiting for treatment (accepted) or in treatment. The team's
# caseloads; where appointments are booked and the family's unavailability recorded.
CASE_STATUSES = (Status.ACCEPTED, Status.IN_TREATMENT)
# The referral-to-treatment clock runs from receipt while the referral is open and treatment has
# not started (referrals.waiting_times).
WAITING_STATUSES = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.INFORMATION_REQUESTED,
    Status.ACCEPTED,
)


class ParentViewsMethod(models.TextChoices):
    SECURE_LINK = "secure_link", "Send the parents a secure link by email to add their views"
    WRITTEN_HERE = "written_here", "The parents' views are written here, in their own words"
    NOT_NOW = "not_now", "Not now"


class AppointmentPlace(models.TextChoices):
    HOME = "home", "At home"
    CLINIC = "clinic", "At a clinic"
    NEAR_ME = "near_me", "By video call (Near Me)"


class Priority(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class CloseReason(models.TextChoices):
    TREATMENT_COMPLETED = "treatment_completed", "Treatment completed"
    FAMILY_CHOSE_TO_STOP = "family_chose_to_stop", "The family chose to stop"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    NOT_BROUGHT = "not_brought", "Not brought to appointments"
    OTHER = "other", "Other"


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE_AGE = "not_eligible_age", "Not eligible: age"
    NOT_ELIGIBLE_AREA = "not_eligible_area", f"Not eligible: lives outside {CATCHMENT.name}"
    NOT_ELIGIBLE_GP = "not_eligible_gp", f"Not eligible: GP practice outside {CATCHMENT.name}"
    NOT_ELIGIBLE_THRESHOLD = "not_eligible_threshold", "Not eligible: below the threshold"
    ANOTHER_SERVICE = "another_service", "Needs better met by another service"
    DUPLICATE = "duplicate", "Duplicate referral"
    FAMILY_DECLINED = "family_declined", "The family declined"
    OTHER = "other", "Other"


class SignpostService(models.Model):
    """A service the team points families to when declining (kept by the service lead)."""

    name = models.CharField(max_length=200, unique=True)
    contact = models.CharField(
        max_length=300, blank=True, help_text="Phone, website or address, for letters."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# Declined referrals stay in the team's "Declined" queue this long.
DECLINED_RECENTLY = datetime.timedelta(days=90)


def _queues(now):
    """Which referrals are in each of the team's queues (`now` dates "the last 90 days")."""
    return {
        **_open_queues(now),
        "closed": Q(status__in=[Status.WITHDRAWN, Status.CLOSED]),
        "all": Q(),
    }


def start_of(day):
    """The first moment of `day` in the service's time zone: "on or after day D" compares
    with an indexed timestamp as ">= start_of(D)"."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def received_on(submitted_at):
    """A referral's received date (Referral.received_on) from when it was sent; None unsent."""
    return timezone.localdate(submitted_at) if submitted_at else None


def _declined_since(now):
    """The start of the first of the last 90 days: whole days, so the queue changes with the
    day, as what the dashboard keeps does (referrals.team.unchanged)."""
    return start_of(timezone.localdate(now) - DECLINED_RECENTLY + datetime.timedelta(days=1))


def _open_queues(now):
    """The queues that stay small however long the service runs: referrals still with the
    team, and the last 90 days' declines. Each is a range of an index on `status`."""
    return {
        "new": Q(status=Status.SUBMITTED),
        "in_review": Q(status=Status.IN_REVIEW),
        "information_requested": Q(status=Status.INFORMATION_REQUESTED),
        "awaiting_allocation": Q(status__in=CASE_STATUSES, allocated_to__isnull=True),
        "accepted": Q(status__in=CASE_STATUSES, allocated_to__isnull=False),
        "declined": Q(status=Status.DECLINED, decided_at__gte=_declined_since(now)),
    }


# The queues that grow for ever ("Withdrawn or closed", "All") are counted up to this many and
# then said to hold "more than" it (ADR 0014): counting them whole reads every referral.
COUNT_CAP = 1000


class CappedCount(Subquery):
    """How many rows `queryset` has, counting no further than its slice (COUNT_CAP + 1): one
    value for the whole query, so `aggregate()` may hold it next to the exact counts."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    contains_aggregate = True
    output_field = IntegerField()


def _same_baby(infant, *, strict):
    """The condition on referrals for "the same baby as `infant`" (empty when nothing says)."""
    match = Q()
    if infant.chi_number:
        match |= Q(infant__chi_number=infant.chi_number)
    if infant.date_of_birth and infant.given_name.strip() and infant.family_name.strip():
        named = Q(
            infant__date_of_birth=infant.date_of_birth,
            infant__given_name__iexact=infant.given_name.strip(),
            infant__family_name__iexact=infant.family_name.strip(),
        )
        if strict and infant.chi_number:
            named &= Q(infant__chi_number="")
        match |= named
    return match


class ReferralQuerySet(models.QuerySet):
    def in_queue(self, key, now):
        """The referrals in the team's queue `key` (the dashboard's QUEUES)."""
        return self.filter(_queues(now)[key])

    def queue_counts(self, now):
        """How many referrals are in each of the team's queues, in one query (ADR 0014): the
        open queues exactly, from the index ranges of their statuses (never a scan of every
        referral); "Withdrawn or closed" and "All" up to COUNT_CAP + 1, which means "more than
        COUNT_CAP" (`is_capped`)."""
        open_queues = _open_queues(now)
        in_open_queue = Q()
        for condition in open_queues.values():
            in_open_queue |= condition
        # In no order: the count stops at the first COUNT_CAP + 1 rows found, read from wherever
        # the planner expects them soonest (an order could make it read and sort them all).
        capped = {
            key: CappedCount(self.in_queue(key, now).order_by().values("pk")[: COUNT_CAP + 1])
            for key in ("closed", "all")
        }
        return self.filter(in_open_queue).aggregate(
            **{key: models.Count("pk", filter=condition) for key, condition in open_queues.items()},
            **capped,
        )

    def visible_to(self, user):
        """The one scoped lookup: referrers see their own referrals, the team sees all but
        other people's drafts. Anything outside is a 404 to the caller."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.is_team:
            return self.exclude(status=Status.DRAFT)
        if user.is_referrer:
            return self.filter(referrer=user)
        return self.none()

    def search(self, text):
        """Referrals matching `text`, by what was typed: the one search of the dashboard, "Your
        referrals" and the admin. Each kind is one index's lookup, never a scan:

        - a whole reference, in any case: exactly (the unique index on `reference`);
        - the start of one ("IMH-2026-0"): by the pattern index on `reference`;
        - a CHI number, with spaces or hyphens as `validate_chi` reads it: exactly;
        - a part of a reference ("00042", "2026-0004"): by the trigram index on `reference`;
        - a postcode, with or without its space: exactly, in its normal form (never its halves
          as names);
        - anything else: the baby's name, every word in the given or family name (words of
          three letters or more anywhere in it, shorter ones at its start), by the trigram
          indexes on the names (patients.Infant).
        """
        text = text.strip()
        if WHOLE_REFERENCE.fullmatch(text):
            return self.filter(reference=text.upper())
        if REFERENCE_START.fullmatch(text):
            return self.filter(reference__startswith=text.upper())
        with contextlib.suppress(ValidationError):
            return self.filter(infant__chi_number=validate_chi(text))
        if REFERENCE_PART.fullmatch(text):
            return self.filter(reference__contains=text)
        with contextlib.suppress(ValueError):
            return self.filter(infant__postcode=normalise_postcode(text))
        words = text.split()
        if not words:
            return self.none()
        name = Q()
        for word in words:
            lookup = "icontains" if len(word) >= TRIGRAM else "istartswith"
            name &= Q(**{f"infant__given_name__{lookup}": word}) | Q(
                **{f"infant__family_name__{lookup}": word}
            )
        return self.filter(name)

    def find_subject(self, criteria):
        """The subject access search: exact matches only, on a reference, a CHI number, or a
        name and date of birth together (`criteria` from the lead's find form)."""
        if "reference" in criteria:
            return self.filter(reference=criteria["reference"])
        if "chi" in criteria:
            return self.filter(infant__chi_number=criteria["chi"])
        return self.filter(
            infant__date_of_birth=criteria["date_of_birth"],
            infant__given_name__iexact=criteria["given_name"],
            infant__family_name__iexact=criteria["family_name"],
        )

    def drafts_of(self, user):
        return self.filter(referrer=user, status=Status.DRAFT)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def accepted_without_appointment(self, accepted_before):
        """Accepted referrals (waiting for treatment) accepted before `accepted_before` with no
        appointment booked: an alert on the team's dashboard (index referrals_decided_idx)."""
        booked = Appointment.objects.filter(referral=OuterRef("pk"), attendance=Attendance.BOOKED)
        return self.filter(status=Status.ACCEPTED, decided_at__lt=accepted_before).filter(
            ~Exists(booked)
        )

    def not_reviewed(self, received_before):
        """Referrals received before `received_before` that nobody has started to review: an
        alert on the team's dashboard (index referrals_queue_idx)."""
        return self.filter(status=Status.SUBMITTED, submitted_at__lt=received_before)

    def possible_duplicates_of(self, referral):
        """Open referrals that may be for the same baby: the same CHI number, or the same date
        of birth and name (CHI is optional in a draft)."""
        match = _same_baby(referral.infant, strict=False)
        if not match:
            return self.none()
        return self.open().filter(match).exclude(pk=referral.pk)

    def about_baby(self, infant):
        """Every referral about the baby of `infant` (a subject access request's scope): the
        same CHI number, or the same name and date of birth where one of the two records has
        no CHI. Stricter than `possible_duplicates_of`: two records with different CHI numbers
        are two babies, and another family's records must never reach a bundle."""
        match = _same_baby(infant, strict=True)
        return self.filter(match) if match else self.filter(infant=infant)


class Referral(models.Model):
    """A Request for Assistance: a draft while the referrer fills it in, then the team's."""

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    # Optimistic locking: every save of a draft section must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    infant = models.OneToOneField(Infant, on_delete=models.PROTECT, related_name="referral")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )
    # Which sections are done ("completed") or started with unsaved errors ("in_progress"),
    # and what was typed into a section that could not be saved yet: work is never lost.
    section_states = models.JSONField(default=dict, blank=True)
    section_drafts = models.JSONField(default=dict, blank=True)

    # About you: prefilled from the referrer's account, confirmed or corrected; a snapshot.
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_profession = models.CharField(max_length=40, blank=True)
    referrer_job_title = models.CharField(max_length=150, blank=True)
    referrer_base = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=30, blank=True)
    referrer_email = models.EmailField(blank=True)
    discussed_with_health_visitor = models.BooleanField(null=True, blank=True)
    health_visitor_name = models.CharField(max_length=200, blank=True)

    # Your concerns: the IMH Observational Indicator Set, domain by domain.
    relationship_indicators = models.PositiveSmallIntegerField(null=True, blank=True)
    relationship_observed = models.TextField(blank=True)
    emotional_indicators = models.PositiveSmallIntegerField(null=True, blank=True)
    emotional_observed = models.TextField(blank=True)
    cognitive_indicators = models.PositiveSmallIntegerField(null=True, blank=True)
    cognitive_observed = models.TextField(blank=True)
    sense_of_self_indicators = models.PositiveSmallIntegerField(null=True, blank=True)
    sense_of_self_observed = models.TextField(blank=True)
    social_interaction_indicators = models.PositiveSmallIntegerField(null=True, blank=True)
    social_interaction_observed = models.TextField(blank=True)
    concerns_duration = models.TextField("how long", blank=True)
    why_now = models.TextField(blank=True)
    support_tried = models.TextField(blank=True)
    family_hopes = models.TextField(blank=True)

    # Safety and other support.
    child_protection_concerns = models.BooleanField(null=True, blank=True)
    child_protection_plan = models.BooleanField(null=True, blank=True)
    child_protection_details = models.TextField(blank=True)
    other_risks = models.TextField(blank=True)

    # Consent and the family's views.
    consent_given = models.BooleanField(null=True, blank=True)
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_to_share = models.BooleanField(null=True, blank=True)
    parent_views_method = models.CharField(
        max_length=20, choices=ParentViewsMethod.choices, blank=True
    )
    parent_views_written = models.TextField(blank=True)
    appointment_places = ArrayField(
        models.CharField(max_length=10, choices=AppointmentPlace.choices), default=list, blank=True
    )
    times_to_avoid = models.TextField(blank=True)

    # Eligibility: the referrer's overrides of residence / GP failures, and the assessment
    # stored at submission.
    residence_override_reason = models.TextField(blank=True)
    gp_practice_override_reason = models.TextField(blank=True)
    eligibility = models.JSONField(default=dict, blank=True)
    eligibility_outcome = models.CharField(max_length=20, blank=True)
    possible_duplicate = models.BooleanField(default=False)

    # Triage: who is reviewing, the decision, allocation and waiting times.
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    # When the referrer answered the team's question, until the team opens the referral page
    # (the dashboard marks it "Answer received"); cleared then, or when the team acts on it.
    answer_received_at = models.DateTimeField(null=True, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_referrals",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    signposted_to = models.ForeignKey(
        SignpostService, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signposted_other = models.CharField("signposted to (other)", max_length=300, blank=True)
    decision_explanation = models.TextField(
        blank=True, help_text="Written for the family and the referrer."
    )
    # The day of the first attended treatment appointment, as the clock computes it
    # (waiting_times), kept by workflow.record_attendance in the same transaction: a fact that
    # no later day changes, stored so the monthly figures can find a month's treatment starts
    # by an index.
    treatment_started_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
    withdraw_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["referrer", "status", "-updated_at"], name="referrals_mine_idx"),
            # The team's queues in the dashboard's order (received, then reference: a key), and
            # "All" in it both ways (the admin's changelist orders by it newest first).
            models.Index(
                fields=["status", "submitted_at", "reference"], name="referrals_queue_idx"
            ),
            models.Index(fields=["submitted_at", "reference"], name="referrals_received_idx"),
            # The search by a part of a reference (ReferralQuerySet.search; pg_trgm).
            GinIndex(
                OpClass("reference", name="gin_trgm_ops"), name="referrals_reference_trgm_idx"
            ),
            models.Index(fields=["status", "updated_at"], name="referrals_stale_idx"),
            models.Index(fields=["allocated_to", "status"], name="referrals_allocated_idx"),
            models.Index(fields=["priority", "status"], name="referrals_priority_idx"),
            models.Index(fields=["eligibility_outcome", "status"], name="referrals_outcome_idx"),
            models.Index(fields=["status", "decided_at"], name="referrals_decided_idx"),
            models.Index(fields=["referrer_profession", "status"], name="referrals_profession_idx"),
            models.Index(fields=["treatment_started_on"], name="referrals_treatment_idx"),
            # The monthly report's open and closed cases (referrals.reports.figures): the cases in
            # treatment now are few, the closed ones many and counted a month at a time.
            models.Index(
                fields=["treatment_started_on"],
                condition=Q(closed_on__isnull=True, treatment_started_on__isnull=False),
                name="referrals_in_treatment_idx",
            ),
            models.Index(fields=["closed_on"], name="referrals_closed_on_idx"),
        ]
        constraints = [
            # Submitted means a reference, a received date and who sent it, together.
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT, reference__isnull=True, submitted_at__isnull=True)
                | (
                    ~Q(status=Status.DRAFT)
                    & Q(reference__isnull=False, submitted_at__isnull=False)
                    & Q(submitted_by__isnull=False)
                ),
                name="referrals_submitted_paired",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, decided_by__isnull=True)
                | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="referrals_decided_paired",
            ),
            models.CheckConstraint(
                condition=Q(allocated_to__isnull=True, allocated_at__isnull=True)
                | Q(allocated_to__isnull=False, allocated_at__isnull=False),
                name="referrals_allocated_paired",
            ),
            models.CheckConstraint(
                condition=Q(review_started_by__isnull=True, review_started_at__isnull=True)
                | Q(review_started_by__isnull=False, review_started_at__isnull=False),
                name="referrals_review_started_paired",
            ),
            # A decline always says why, where to go instead, and explains it to the family.
            models.CheckConstraint(
                condition=~Q(status="declined")
                | (
                    ~Q(decline_reason="")
                    & ~Q(decision_explanation="")
                    & (Q(signposted_to__isnull=False) | ~Q(signposted_other=""))
                ),
                name="referrals_decline_explained",
            ),
        ]

    def __str__(self):
        return self.reference or f"Draft {self.pk}"

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def received_on(self):
        """The received date: the referral-to-treatment clock starts here (referrals.
        waiting_times counts from it)."""
        return received_on(self.submitted_at)

    def wait(self, today):
        """The referral-to-treatment wait (referrals.waiting_times), from this referral's
        appointments and the family's unavailability (prefetch both for a list). A case closed
        before treatment stopped waiting the day it closed. None for a draft."""
        return wait_of(
            status=self.status,
            received_on=self.received_on,
            closed_on=self.closed_on,
            today=today,
            appointments=[appointment.for_clock() for appointment in self.appointments.all()],
            unavailability=[period.for_clock() for period in self.unavailability.all()],
        )

    @property
    def indicator_counts(self):
        """The counts by domain key, as the eligibility check reads them (None = not given)."""
        return {
            "relationship": self.relationship_indicators,
            "emotional": self.emotional_indicators,
            "cognitive": self.cognitive_indicators,
            "sense_of_self": self.sense_of_self_indicators,
            "social_interaction": self.social_interaction_indicators,
        }


def clock_columns():
    """Annotations for each referral's appointments and unavailability as the clock reads
    them (`clock_of`, `wait_of`), in a list's own query: two arrays, `clock_appointments` and
    `clock_unavailability`. For a page of rows read with .values() (the dashboard): no prefetch
    queries, and no related manager made for each row."""
    return {
        "clock_appointments": ArraySubquery(
            Appointment.objects.filter(referral=OuterRef("pk"))
            .order_by()
            .values(
                json=JSONObject(
                    on="on", purpose="purpose", attendance="attendance", cancelled="cancelled_on"
                )
            )
        ),
        "clock_unavailability": ArraySubquery(
            Unavailability.objects.filter(referral=OuterRef("pk"))
            .order_by()
            .values(json=JSONObject(start="start", end="end"))
        ),
    }


def wait_of(*, status, received_on, closed_on, today, appointments, unavailability):
    """A referral's referral-to-treatment wait (Referral.wait, and a row read with
    `clock_columns`: `clock_of`). A case closed before treatment stopped waiting the day it
    closed. None for a draft (no received date)."""
    if received_on is None:
        return None
    if status == Status.CLOSED and closed_on:
        today = min(today, closed_on)
    return referral_to_treatment(
        received_on=received_on,
        today=today,
        appointments=appointments,
        unavailability=unavailability,
    )


def clock_of(values):
    """The clock's appointments and unavailability from a row read with `clock_columns`."""
    day = datetime.date.fromisoformat
    appointments = [
        waiting_times.Appointment(
            on=day(a["on"]),
            treatment=COUNTS_AS_TREATMENT[a["purpose"]],
            attendance=a["attendance"],
            cancelled_on=day(a["cancelled"]) if a["cancelled"] else None,
        )
        for a in values["clock_appointments"]
    ]
    unavailability = [
        waiting_times.Unavailability(start=day(u["start"]), end=day(u["end"]))
        for u in values["clock_unavailability"]
    ]
    return appointments, unavailability


class ReferralEvent(models.Model):
    """Append-only status history: who moved the referral from what to what, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referrals_event_idx")]

    def __str__(self):
        # The statuses' labels: the admin shows this on each row of a referral's history.
        was = self.get_from_status_display() or "New"
        return f"{self.referral}: {was} → {self.get_to_status_display()}"


class InvolvedProfessional(models.Model):
    """Another professional or agency working with the family (Safety and other support)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="professionals")
    name = models.CharField(max_length=200)
    role = models.CharField("role or agency", max_length=200)
    contact = models.CharField("phone or email", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.role})"


class InformationRequest(models.Model):
    """A question from the team to the referrer, and the referrer's answer."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, answer="")
                | (Q(answered_at__isnull=False, answered_by__isnull=False) & ~Q(answer="")),
                name="referrals_inforeq_answer_paired",
            ),
        ]

    def __str__(self):
        return f"Question on {self.referral}"

    @property
    def is_open(self):
        return self.answered_at is None


class TeamNote(models.Model):
    """An internal note of the team's. Never shown to referrers or families."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="team_notes")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"Note on {self.referral}"


# --- after acceptance: appointments and the family's unavailability --------------------------


class Purpose(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    ASSESSMENT = "assessment", "Assessment"
    FIRST_TREATMENT = "first_treatment", "First treatment session"
    TREATMENT = "treatment", "Treatment session (ongoing)"
    REVIEW = "review", "Review"
    OTHER = "other", "Other"


# Which purposes count as treatment for the referral-to-treatment clock (waiting_times): the
# national definition (Public Health Scotland's CAMHS waiting times), kept here as data so the
# clock, the pages and the reports read one table.
COUNTS_AS_TREATMENT = {
    Purpose.CONSULTATION: False,
    Purpose.ASSESSMENT: False,
    Purpose.FIRST_TREATMENT: True,
    Purpose.TREATMENT: True,
    Purpose.REVIEW: False,
    Purpose.OTHER: False,
}


class AppointmentMode(models.TextChoices):
    CLINIC = "clinic", "At a clinic"
    HOME_VISIT = "home_visit", "Home visit"
    NURSERY = "nursery", "At nursery or early learning centre"
    NEAR_ME = "near_me", "Near Me video call"
    TELEPHONE = "telephone", "Telephone"


class Attendance(models.TextChoices):
    # The codes are waiting_times.ATTENDANCES: the clock reads them as they are stored.
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    CLINIC_CANCELLED = "clinic_cancelled", "Cancelled by the service"
    PATIENT_CANCELLED = "patient_cancelled", "Cancelled by the family"
    COULD_NOT_WAIT = "could_not_wait", "Could not wait"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    NOT_KNOWN = "not_known", "Not known"


CANCELLED = (Attendance.CLINIC_CANCELLED, Attendance.PATIENT_CANCELLED)
# The outcomes recorded after the day (record_attendance); cancellations are cancel_appointment.
OUTCOMES = (
    Attendance.ATTENDED,
    Attendance.DID_NOT_ATTEND,
    Attendance.COULD_NOT_WAIT,
    Attendance.NOT_KNOWN,
)


class Appointment(models.Model):
    """One appointment with the family: when, what for, how, who sees them, and what happened.
    Changed only through referrals.workflow (book, rebook, cancel, record attendance)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="appointments")
    on = models.DateField("date")
    # None only for the first appointments carried over from `first_appointment_on` (ADR 0011),
    # which had a date and nothing else.
    time = models.TimeField(null=True, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    mode = models.CharField("how", max_length=20, choices=AppointmentMode.choices, blank=True)
    location = models.CharField(
        "where", max_length=200, blank=True, help_text="The clinic, nursery or address."
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="appointments_seen", blank=True
    )
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.BOOKED
    )
    # The day it was cancelled: for the family's cancellations the clock restarts then.
    cancelled_on = models.DateField(null=True, blank=True)
    rebooked_as = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rebooked_from"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField()
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["on", "time", "id"]
        indexes = [
            models.Index(fields=["referral", "on"], name="referrals_appt_idx"),
            models.Index(fields=["on", "attendance"], name="referrals_appt_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__in=[c.value for c in CANCELLED])
                | Q(cancelled_on__isnull=True),
                name="referrals_appt_cancelled_on",
            ),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.BOOKED, outcome_at__isnull=True)
                | (
                    ~Q(attendance=Attendance.BOOKED)
                    & Q(outcome_at__isnull=False, outcome_by__isnull=False)
                ),
                name="referrals_appt_outcome_paired",
            ),
        ]

    def __str__(self):
        # Also drawn for a row a malformed admin form made up: nothing may be missing here.
        on = self.on.isoformat() if self.on else "no date"
        return f"{self.get_purpose_display() or 'Appointment'} on {on} ({self.referral_id})"

    @property
    def counts_as_treatment(self):
        return COUNTS_AS_TREATMENT[self.purpose]

    @property
    def is_booked(self):
        return self.attendance == Attendance.BOOKED

    def for_clock(self):
        return waiting_times.Appointment(
            on=self.on,
            treatment=self.counts_as_treatment,
            attendance=self.attendance,
            cancelled_on=self.cancelled_on,
        )


class Unavailability(models.Model):
    """Days the family said they could not come to an appointment (both days included): they
    pause the referral-to-treatment clock."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="unavailability")
    start = models.DateField("first day")
    end = models.DateField("last day")
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["start", "id"]
        verbose_name_plural = "unavailability"
        indexes = [models.Index(fields=["referral", "start"], name="referrals_unavail_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="referrals_unavail_ordered"
            ),
        ]

    def __str__(self):
        return f"Unavailable {self.start} to {self.end} (referral {self.referral_id})"

    def for_clock(self):
        return waiting_times.Unavailability(start=self.start, end=self.end)


class NationalCode(models.Model):
    """How one of the app's own values is written in the national dataset (CAPTND): per field,
    the app's value and the national code. Kept by a service lead (referrals.reports.extract
    lists the fields and the values that need one); a value with no row is a gap the extract
    names before anything is downloaded, never a guess."""

    field = models.CharField(max_length=40)
    value = models.CharField(max_length=60)
    code = models.CharField(max_length=20)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["field", "value"]
        constraints = [
            models.UniqueConstraint(fields=["field", "value"], name="referrals_national_code_once")
        ]

    def __str__(self):
        return f"{self.field} {self.value} = {self.code}"


class ParentInvitation(models.Model):
    """A secure link for one parent or carer to add their views. Only the SHA-256 of a token
    is stored: the link itself exists only in the email, letter or screen it was given in.
    `token_hash` is the link shown once to the team (none when nothing was shown, as at
    submission); `email_token_hash` is the emailed one, made by the task that sends it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="invitations")
    carer = models.ForeignKey(
        "patients.Carer", on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    emailed = models.BooleanField(default=False)
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "carer"], name="referrals_invite_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="referrals_invite_revoked_paired",
            ),
        ]

    def __str__(self):
        return f"Invitation {self.pk} for {self.referral}"

    def state(self, now):
        """sent, opened, locked, submitted, expired or revoked (the first that applies)."""
        if self.submitted_at:
            return "submitted"
        if self.revoked_at:
            return "revoked"
        if self.locked_at:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        return "opened" if self.first_opened_at else "sent"

    def usable(self, now):
        return self.state(now) in {"sent", "opened"}


class ParentViews(models.Model):
    """A parent's or carer's own views, in their own words; kept apart from the practitioner's
    account. Saved as they go, sent once."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="parent_views")
    carer = models.ForeignKey("patients.Carer", on_delete=models.PROTECT, related_name="+")
    going_well = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    relationship = models.TextField(blank=True)
    help_wanted = models.TextField(blank=True)
    anything_else = models.TextField(blank=True)
    interpreter_language = models.CharField(max_length=100, blank=True)
    contact_how = models.CharField(max_length=200, blank=True)
    contact_times = models.CharField(max_length=200, blank=True)
    near_me = models.CharField(max_length=10, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "carer"], name="referrals_views_once"),
        ]

    def __str__(self):
        return f"Parent's views on {self.referral}"


class DateOfBirthAttempt(models.Model):
    """One date-of-birth answer on a parent link, by IP, for the per-IP limit across all links.
    Holds no token and no date."""

    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "at"], name="referrals_dob_attempt_idx")]

    def __str__(self):
        return f"Date-of-birth attempt at {self.at:%Y-%m-%d %H:%M}"


class SubjectAccessRequest(models.Model):
    """A request for everything held about a baby and the family (UK GDPR article 15): who
    asked when, the bundle as produced (kept, so what was released can be shown again), the
    items withheld and why, and who produced and who released it. Its steps are the functions
    of `referrals.subject_access`."""

    infant = models.ForeignKey(Infant, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    content = models.JSONField(default=dict, blank=True)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    produced_at = models.DateTimeField(null=True, blank=True)
    # {item key: reason}: each item withheld from the released bundle, and why.
    redactions = models.JSONField(default=dict, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["released_at", "requested_on"], name="referrals_sar_due_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(produced_at__isnull=True, produced_by__isnull=True)
                | Q(produced_at__isnull=False, produced_by__isnull=False),
                name="referrals_sar_produced_paired",
            ),
            # Released means produced first, and who released it.
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(
                    released_at__isnull=False, released_by__isnull=False, produced_at__isnull=False
                ),
                name="referrals_sar_released_paired",
            ),
        ]

    def __str__(self):
        return f"Subject access request {self.pk}"

    @property
    def due_on(self):
        return one_month_after(self.requested_on)

    @property
    def state(self):
        """requested, produced or released (words and tags: `labels.SUBJECT_ACCESS_TAGS`)."""
        if self.released_at:
            return "released"
        return "produced" if self.produced_at else "requested"

    @property
    def is_produced(self):
        return self.produced_at is not None

    @property
    def is_released(self):
        return self.released_at is not None


def one_month_after(day):
    """The day a response is due: the same date in the next month, or that month's last day
    when it has no such date (ICO guidance: received 31 January, due 28 or 29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return datetime.date(year, month, min(day.day, last))
    raise AssertionError("every month has a 28th")


# Records governance (issue 16; ADR 0013): how long each kind of record is kept, what happens
# at the end, the review queue, legal holds and the destruction register. The rules are rows
# (a service lead edits them); referrals.retention applies them.


class RecordKind(models.TextChoices):
    DRAFT = "draft", "Draft referrals"
    DECLINED_OR_WITHDRAWN = "declined_or_withdrawn", "Declined or withdrawn referrals"
    ACCEPTED = "accepted", "Accepted referrals, with their appointments and parents' views"
    DOB_ATTEMPTS = "dob_attempts", "Parents' date-of-birth attempts"
    INVITATIONS = "invitations", "Parents' invitations (secure links)"
    TASK_RESULTS = "task_results", "Finished task results"
    SIGN_IN_ATTEMPTS = "sign_in_attempts", "Sign-in attempts and lockouts"
    SESSIONS = "sessions", "Sessions"
    AUDIT_EVENTS = "audit_events", "Audit events"
    DESTRUCTION_RECORDS = "destruction_records", "Destruction records"


# Kinds whose records are referrals: due ones are destroyed through the register (with a
# person's decision first when the rule says review).
REFERRAL_KINDS = (RecordKind.DRAFT, RecordKind.DECLINED_OR_WITHDRAWN, RecordKind.ACCEPTED)
# Append-only in the database: the application's role cannot delete them (ADR 0013), so the
# command only reports how many are past their period.
APPEND_ONLY_KINDS = (RecordKind.AUDIT_EVENTS, RecordKind.DESTRUCTION_RECORDS)


class ClockStart(models.TextChoices):
    LAST_CHANGE = "last_change", "Last change"
    DECISION = "decision", "Decision (declined or withdrawn)"
    CASE_CLOSURE = "case_closure", "Case closure"
    DATE_OF_BIRTH = "date_of_birth", "Baby's date of birth"
    CREATION = "creation", "Creation"
    EXPIRY = "expiry", "Expiry"


class PeriodUnit(models.TextChoices):
    DAYS = "days", "days"
    MONTHS = "months", "months"
    YEARS = "years", "years"


class RetentionAction(models.TextChoices):
    DELETE = "delete", "Delete"
    REVIEW = "review", "Review by a service lead first"


class RetentionRule(models.Model):
    """How long one kind of record is kept from when, and what happens at the end."""

    kind = models.CharField(max_length=30, choices=RecordKind.choices, unique=True)
    clock_start = models.CharField(max_length=20, choices=ClockStart.choices)
    period = models.PositiveIntegerField()
    unit = models.CharField(max_length=10, choices=PeriodUnit.choices)
    action = models.CharField(max_length=10, choices=RetentionAction.choices)
    source = models.TextField(help_text="Where the period comes from.")
    to_be_confirmed = models.BooleanField(
        default=True, help_text="To be confirmed by the board's records manager."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.period} {self.unit}"


class LegalHold(models.Model):
    """A referral that must not be destroyed while a complaint, an investigation or a request is
    in progress. Lifted, not deleted: the history stays (until the referral itself goes)."""

    class Reason(models.TextChoices):
        COMPLAINT = "complaint", "A complaint"
        INVESTIGATION = "investigation", "An investigation"
        SUBJECT_ACCESS = "subject_access", "A subject access request in progress"
        OTHER = "other", "Another legal reason"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="legal_holds")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(lifted_at__isnull=True),
                name="referrals_one_active_hold",
            ),
        ]

    def __str__(self):
        return f"Legal hold {self.pk} on {self.referral}"


class RetentionReview(models.Model):
    """A referral due under a "review" rule, waiting for a service lead: destroy, or keep it
    longer (a reason and a new date). One open review per referral (the unique constraint is
    what makes two runs of apply_retention at once queue it once)."""

    class State(models.TextChoices):
        OPEN = "open", "Due for review"
        DESTROYED = "destroyed", "Destroyed"
        KEPT = "kept", "Kept longer"

    # Kept (without the referral) once destroyed: the register holds the facts.
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    reference = models.CharField(max_length=20)
    kind = models.CharField(max_length=30, choices=RecordKind.choices)
    clock_started_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    keep_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="referrals_review_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="open"),
                name="referrals_one_open_review",
            ),
        ]

    def __str__(self):
        return f"Review of {self.reference} due {self.due_on}"


class DestructionRecord(models.Model):
    """The destruction register: what was destroyed, under which rule, on whose authority.
    No names and no clinical content: a reference, a kind and dates. Append-only (migration
    0015), like the audit trail."""

    kind = models.CharField(max_length=30, choices=RecordKind.choices)
    reference = models.CharField(max_length=20, blank=True)
    # The id the referral had: what the events' destruction function checks (ADR 0013).
    referral_id = models.BigIntegerField(db_index=True)
    received_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    clock_started_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    rule = models.CharField(max_length=200, help_text="The rule as it stood: period and clock.")
    # None: destroyed by the rule itself (action "delete"), with nobody's decision.
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self):
        return f"Destroyed {self.reference or self.referral_id} on {self.destroyed_at:%Y-%m-%d}"


class DataVersion(models.Model):
    """One row, one number: raised at the commit of every transaction that wrote to the
    referrals, their appointments, unavailability, parents' links and views, questions, the
    babies or the people (a deferred trigger, migration 0020), from a sequence, so it only
    ever goes up, in the order of those commits. What the team's pages work out the same for
    everyone is kept while it is unchanged (referrals.team.unchanged, ADR 0016)."""

    number = models.BigIntegerField()

    def __str__(self):
        return f"Data version {self.number}"
