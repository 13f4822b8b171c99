"""Synthetic referrals for the demo, one in each of the team's queues and at every step after
acceptance (waiting with appointments booked, missed, cancelled and paused; past and near the 18
weeks; in treatment; closed), made through the real workflow so their timelines and audit trail
are as the service would have them.

Runs after the demo users and families exist (seed_demo). Idempotent: a baby that already has a
referral is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from imhs.models import User
from patients.catchment import CATCHMENT
from patients.chi import make_chi
from patients.models import GPPractice, GPRegistration, Infant, LivesWith, Sex
from referrals import drafts, invitations, retention, subject_access, workflow
from referrals.models import (
    Appointment,
    LegalHold,
    NationalCode,
    Referral,
    RetentionReview,
    SignpostService,
    Status,
    SubjectAccessRequest,
    Unavailability,
)
from referrals.reports.extract import MAPPED

SIGNPOST_SERVICES = [
    ("Demo Family Support Service", "Phone 01698 000100 (demo)"),
    ("Demo Child and Adolescent Mental Health Service", "Via the family's GP"),
    ("Demo Parent and Baby Groups", "Phone 01698 000200 (demo)"),
]

COMPLETE_ANSWERS = {
    "relationship_indicators": 5,
    "relationship_observed": "Demo: baby turns away from her mother during feeds.",
    "emotional_indicators": 5,
    "emotional_observed": "Demo: long periods of crying that are hard to soothe.",
    "cognitive_indicators": 5,
    "cognitive_observed": "Demo: little interest in toys or faces.",
    "sense_of_self_indicators": 1,
    "sense_of_self_observed": "Demo: rarely seeks attention.",
    "social_interaction_indicators": 2,
    "social_interaction_observed": "Demo: does not smile back at familiar adults.",
    "concerns_duration": "Demo: about three months.",
    "why_now": "Demo: mother is worried the relationship is not getting easier.",
    "support_tried": "Demo: extra health visitor contacts; parent and baby group.",
    "family_hopes": "Demo: to enjoy time with their baby.",
    "child_protection_concerns": False,
    "consent_given": True,
    "consent_given_on": datetime.date(2026, 11, 1),
    "consent_to_share": True,
    "parent_views_method": "secure_link",
    "appointment_places": ["home", "near_me"],
    "section_states": dict.fromkeys(
        ("baby", "carers", "concerns", "safety", "consent", "about-you"), "completed"
    ),
}


def _user(email):
    return User.objects.get(email=email)


def _referral(infant, referrer, **answers):
    return Referral.objects.create(
        infant=infant,
        referrer=referrer,
        **drafts.referrer_details(referrer),
        consent_given_by=f"{infant.family_name} family (demo)",
        **{**COMPLETE_ANSWERS, **answers},
    )


# --- accepted cases: appointments, the clock and closing ----------------------------------------

DAY = datetime.timedelta(days=1)
CLINIC = "Demo Child Health Centre, Coatbridge"
NURSERY = "Demo Little Acorns Nursery"
HOME = "The family's home"


class _Case:
    """One accepted referral and its history, told through the workflow as it happened, the
    days counted back from today so the demo's waits stay as described however late it runs.

    The workflow stamps every write now: the events and the audit trail say when the demo was
    seeded (those tables are append-only, for the app role too: docs/security.md), so the
    dates the clock and the pages read (received, accepted, each appointment's booking and
    outcome) are set afterwards with an UPDATE (`backdate`)."""

    def __init__(self, referral, *, received, accepted, clinician):
        self.referral, self.clinician = referral, clinician
        self.today = timezone.localdate()
        self.received_on = self.today - received * DAY
        self.accepted_on = self.today - accepted * DAY

    def book(self, days, purpose, mode, *, at=(10, 0), staff=None):
        """An appointment `days` from today (negative: in the past)."""
        return workflow.book_appointment(
            self.referral,
            by=self.clinician,
            version=self.referral.version,
            on=self.today + days * DAY,
            time=datetime.time(*at),
            purpose=purpose,
            mode=mode,
            location={"clinic": CLINIC, "nursery": NURSERY, "home_visit": HOME}.get(mode, ""),
            staff=staff or [self.clinician],
        )

    def outcome(self, appointment, attendance):
        workflow.record_attendance(
            self.referral,
            appointment=appointment,
            by=self.clinician,
            version=self.referral.version,
            attendance=attendance,
        )

    def attended(self, days, purpose, mode, **kwargs):
        appointment = self.book(days, purpose, mode, **kwargs)
        self.outcome(appointment, "attended")
        return appointment

    def rebook(self, appointment, days, *, cancelled_by, cancelled, at=(10, 0)):
        return workflow.rebook_appointment(
            self.referral,
            appointment=appointment,
            by=self.clinician,
            version=self.referral.version,
            on=self.today + days * DAY,
            time=datetime.time(*at),
            cancelled_by=cancelled_by,
            cancelled_on=self.today + cancelled * DAY,
        )

    def unavailable(self, first, last, reason):
        workflow.record_unavailability(
            self.referral,
            by=self.clinician,
            version=self.referral.version,
            start=self.today + first * DAY,
            end=self.today + last * DAY,
            reason=reason,
        )

    def close(self, reason, days, note=""):
        workflow.close(
            self.referral,
            by=self.clinician,
            version=self.referral.version,
            reason=reason,
            closed_on=self.today + days * DAY,
            note=note,
        )

    def backdate(self):
        """Received and accepted on their days; each appointment booked a fortnight before it
        (not before acceptance; a rebooked one the day its first date was cancelled) and its
        outcome recorded on its day or the day it was cancelled; each period of unavailability
        recorded the day before it began."""
        tz = timezone.get_current_timezone()

        def moment(day, hour=9):
            moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
            return min(moment, timezone.now())

        received, accepted = moment(self.received_on), moment(self.accepted_on, 14)
        Referral.objects.filter(pk=self.referral.pk).update(
            created_at=received,
            submitted_at=received,
            review_started_at=moment(self.received_on + 2 * DAY),
            decided_at=accepted,
            allocated_at=accepted,
        )
        appointments = list(Appointment.objects.filter(referral=self.referral))
        # A rebooked appointment was booked the day the one it replaces was cancelled.
        rebooked_on = {a.rebooked_as_id: a.cancelled_on for a in appointments if a.rebooked_as_id}
        for appointment in appointments:
            booked = max(accepted, moment(appointment.on - 14 * DAY))
            if appointment.pk in rebooked_on:
                booked = max(accepted, moment(rebooked_on[appointment.pk], 12))
            changes = {"booked_at": booked}
            if appointment.outcome_at is not None:
                changes["outcome_at"] = max(
                    booked, moment(appointment.cancelled_on or appointment.on, 17)
                )
            Appointment.objects.filter(pk=appointment.pk).update(**changes)
        for period in Unavailability.objects.filter(referral=self.referral):
            Unavailability.objects.filter(pk=period.pk).update(
                recorded_at=max(accepted, moment(period.start - DAY))
            )


def _accepted_case(referral, *, reviewer, clinician, priority="routine", received, accepted):
    workflow.start_review(referral, by=reviewer, version=referral.version)
    workflow.accept(
        referral, by=reviewer, version=referral.version, priority=priority, allocate_to=clinician
    )
    return _Case(referral, received=received, accepted=accepted, clinician=clinician)


@transaction.atomic
def seed():
    """One referral per demo baby, across the queues and every step of the pathway. Returns how
    many were created."""
    for name, contact in SIGNPOST_SERVICES:
        SignpostService.objects.get_or_create(name=name, defaults={"contact": contact})
    hv, fn = _user("health.visitor@example.org"), _user("family.nurse@example.org")
    psychologist = _user("psychologist@example.org")
    psychotherapist = _user("psychotherapist@example.org")
    psychiatrist = _user("psychiatrist@example.org")
    social_worker = _user("social.worker@example.org")
    early_years = _user("early.years@example.org")
    babies = {infant.given_name: infant for infant in Infant.objects.filter(referral__isnull=True)}
    today = timezone.localdate()
    created = 0

    def sent(given, referrer, *, received=0):
        nonlocal created
        created += 1
        # A case received weeks ago had its consent given the day it was sent.
        answers = {"consent_given_on": today - received * DAY} if received else {}
        return workflow.submit(_referral(babies[given], referrer, **answers), by=referrer)

    def case(given, referrer, *, received, accepted, **kwargs):
        referral = sent(given, referrer, received=received)
        return _accepted_case(referral, received=received, accepted=accepted, **kwargs)

    if "Isla" in babies:  # New: waiting for the weekly meeting
        sent("Isla", hv)
    if "Rory" in babies:  # In review, claimed by the psychologist
        rory = sent("Rory", hv)
        workflow.start_review(rory, by=psychologist, version=rory.version)
    if "Eilidh" in babies:  # The team asked the referrer a question
        eilidh = sent("Eilidh", fn)
        workflow.request_information(
            eilidh,
            by=psychotherapist,
            version=eilidh.version,
            question="Demo: is the twins' father involved in their care?",
        )
    if "Callum" in babies:  # Lives in Glasgow: sent with the referrer's reason, then declined
        callum = _referral(babies["Callum"], hv)
        created += 1
        callum = workflow.submit(
            callum,
            by=hv,
            overrides={
                "residence": "Demo: family moving to Coatbridge next month.",
                "gp_practice": "Demo: will register with a Coatbridge practice after the move.",
            },
        )
        workflow.start_review(callum, by=psychologist, version=callum.version)
        workflow.decline(
            callum,
            by=psychologist,
            version=callum.version,
            reason="not_eligible_area",
            signposted_to=SignpostService.objects.get(name=SIGNPOST_SERVICES[0][0]),
            explanation=f"Demo: the family lives outside {CATCHMENT.name} for now. Please refer "
            f"again once they have moved and registered with a {CATCHMENT.name} GP.",
        )
    if "Finn" in babies:  # Accepted, waiting for a team member
        finn = sent("Finn", hv)
        workflow.start_review(finn, by=psychologist, version=finn.version)
        workflow.accept(finn, by=psychologist, version=finn.version, priority="urgent")
    if "Mia" in babies:  # Waiting, allocated, an assessment booked next week
        mia = case(
            "Mia", fn, received=20, accepted=13, reviewer=psychotherapist, clinician=psychotherapist
        )
        mia.book(7, "assessment", "clinic", at=(10, 30))
        mia.backdate()
    if "Lewis" in babies:  # Waiting: the family did not attend, which restarted the clock
        lewis = case(
            "Lewis", hv, received=84, accepted=77, reviewer=psychologist, clinician=psychologist
        )
        lewis.outcome(lewis.book(-42, "assessment", "clinic"), "did_not_attend")
        lewis.attended(-21, "assessment", "home_visit", at=(13, 30))
        lewis.book(8, "first_treatment", "home_visit", at=(13, 30))
        lewis.backdate()
    if "Orla" in babies:  # Waiting: the family cancelled, then were away (the clock paused)
        orla = case(
            "Orla", fn, received=70, accepted=63, reviewer=psychologist, clinician=social_worker
        )
        assessment = orla.book(-30, "assessment", "home_visit", at=(11, 0))
        orla.rebook(assessment, 5, cancelled_by="family", cancelled=-35, at=(11, 0))
        orla.unavailable(-25, -12, "Demo: the family are staying with relatives in Inverness.")
        orla.backdate()
    if "Hamish" in babies:  # Waiting past 18 weeks: assessed, first treatment not until later
        hamish = case(
            "Hamish",
            hv,
            received=154,
            accepted=140,
            reviewer=psychiatrist,
            clinician=psychiatrist,
        )
        hamish.attended(-98, "assessment", "clinic", at=(9, 30))
        hamish.attended(-60, "review", "telephone", at=(15, 0))
        hamish.book(12, "first_treatment", "clinic", at=(9, 30), staff=[psychiatrist, early_years])
        hamish.backdate()
    if "Ailsa" in babies:  # Waiting, within 4 weeks of the 18 weeks running out
        ailsa = case(
            "Ailsa", hv, received=106, accepted=99, reviewer=psychologist, clinician=early_years
        )
        ailsa.attended(-70, "consultation", "telephone", at=(14, 0))
        ailsa.attended(-40, "assessment", "nursery", at=(10, 0))
        ailsa.book(10, "first_treatment", "nursery", at=(10, 0))
        ailsa.backdate()
    if "Euan" in babies:  # In treatment: weekly sessions, the next one by Near Me
        euan = case(
            "Euan",
            hv,
            received=120,
            accepted=112,
            reviewer=psychotherapist,
            clinician=psychotherapist,
            priority="urgent",
        )
        euan.attended(-84, "assessment", "clinic", at=(10, 30))
        euan.attended(-56, "first_treatment", "home_visit", at=(10, 30))
        euan.attended(-42, "treatment", "home_visit", at=(10, 30))
        euan.outcome(euan.book(-28, "treatment", "near_me", at=(10, 30)), "could_not_wait")
        euan.attended(-21, "treatment", "nursery", at=(10, 0))
        euan.attended(-7, "treatment", "near_me", at=(10, 30))
        euan.book(7, "treatment", "near_me", at=(10, 30))
        euan.book(21, "review", "clinic", at=(10, 30), staff=[psychotherapist, psychologist])
        euan.backdate()
    if "Freya" in babies:  # Closed: treatment completed, seen within the 18 weeks
        freya = case(
            "Freya", fn, received=270, accepted=262, reviewer=psychologist, clinician=psychologist
        )
        freya.attended(-250, "assessment", "home_visit", at=(11, 0))
        freya.attended(-200, "first_treatment", "clinic", at=(11, 0))
        for weeks_ago in (26, 22, 18, 14):
            freya.attended(-7 * weeks_ago, "treatment", "clinic", at=(11, 0))
        freya.attended(-30, "review", "near_me", at=(11, 0))
        freya.close(
            "treatment_completed", -14, "Demo: goals met; the family know how to refer again."
        )
        freya.backdate()
    if "Kyle" in babies:  # Closed: not brought to appointments
        kyle = case(
            "Kyle", hv, received=150, accepted=143, reviewer=psychiatrist, clinician=social_worker
        )
        kyle.outcome(kyle.book(-120, "assessment", "home_visit"), "did_not_attend")
        kyle.outcome(kyle.book(-90, "assessment", "clinic"), "did_not_attend")
        kyle.outcome(kyle.book(-60, "assessment", "telephone"), "did_not_attend")
        kyle.close(
            "not_brought",
            -30,
            "Demo: three appointments missed; the health visitor and GP have been told.",
        )
        kyle.backdate()
    if "Ava" in babies:  # A draft the health visitor is still filling in
        _referral(babies["Ava"], hv, section_states={"baby": "completed"}, consent_given=None)
        created += 1
    created += seed_history(
        referrers=[hv, fn, _user("nursery@example.org")],
        team=[psychologist, psychotherapist, psychiatrist, social_worker, early_years],
        lead=_user("service.lead@example.org"),
    )
    seed_national_codes()
    seed_records(lead=_user("service.lead@example.org"))
    return created


# --- a year and more of history, for the reports -------------------------------------------

HISTORY_FAMILY = "Demoyear"  # the family name of every baby made for the reports' history
HISTORY_MONTHS = 15  # the 13 months of the trends, and the months before them
HISTORY_NAMES = ("Ailish", "Blair", "Carys", "Dougie", "Esme")
HISTORY_POSTCODES = ("ML5 9XA", "ML3 9XA", "G67 9XA", "G33 9XA", "ML3 9XA")
# Weeks from referral to the first treatment session, by the referral's place in its month:
# every band of the 18-week standard appears, most within it.
HISTORY_WAITS = (6, 12, 17, 24, 40)
HISTORY_MODES = ("clinic", "home_visit", "nursery", "near_me", "telephone")
HISTORY_DECLINES = ("another_service", "not_eligible_threshold", "not_eligible_area", "duplicate")
# The one value the demo's national codes leave out, so the reports page shows a gap.
UNMAPPED_CODE = ("sex", "female")


def _history_infant(given, number, received_on, age_months):
    year, month = divmod(received_on.year * 12 + received_on.month - 1 - age_months, 12)
    born = datetime.date(year, month + 1, min(received_on.day, 28))
    sex = Sex.FEMALE if number % 2 == 0 else Sex.MALE
    infant, _ = Infant.objects.get_or_create(
        # Each baby's own serial (5 to 79), apart from the demo families' 99 (patients.demo).
        chi_number=make_chi(born, female=sex == Sex.FEMALE, serial=f"{number:02d}"),
        defaults={
            "given_name": given,
            "family_name": HISTORY_FAMILY,
            "date_of_birth": born,
            "sex": sex,
            "address_line_1": "3 Demo Road",
            "postcode": HISTORY_POSTCODES[number % len(HISTORY_POSTCODES)],
            "lives_with": LivesWith.PARENTS,
            "gp_registration": GPRegistration.LISTED,
            "gp_practice": GPPractice.objects.get(code=("99901", "99902", "99903")[number % 3]),
        },
    )
    return infant


def _history_case(case, number, *, team):
    """An accepted case's appointments: an assessment, a first treatment session after its
    month's wait (booked ahead if that day has not come), weekly sessions, some missed, some
    closed. Days are counted back from today (negative: past)."""
    received = (case.today - case.received_on).days
    start = -received + 7 * HISTORY_WAITS[number % len(HISTORY_WAITS)]
    assessment = -received + 14
    if number % 3 == 1 and assessment < -1:  # the family missed the first: the clock restarted
        case.outcome(case.book(assessment - 3, "assessment", "clinic"), "did_not_attend")
    if assessment >= 0:
        case.book(max(assessment, 3), "assessment", HISTORY_MODES[number % 5])
        return
    case.attended(assessment, "assessment", HISTORY_MODES[number % 5])
    if start >= 0:
        case.book(max(start, assessment + 7, 2), "first_treatment", HISTORY_MODES[(number + 1) % 5])
        return
    case.attended(
        start, "first_treatment", HISTORY_MODES[(number + 1) % 5], staff=[team[number % 4]]
    )
    session = start + 14
    for index in range(4):
        if session >= 0:
            break
        outcome = "did_not_attend" if (number + index) % 4 == 3 else "attended"
        case.outcome(case.book(session, "treatment", HISTORY_MODES[index % 5]), outcome)
        session += 14
    if number % 2 == 0 and session < -3:
        case.close("treatment_completed", session - 2, "Demo: goals met.")


def seed_history(*, referrers, team, lead):
    """Referrals over HISTORY_MONTHS months, a few each month, through the workflow and then
    backdated like the cases above: received, accepted or not, seen after various waits,
    appointments kept and missed, cases closed. Made once (its babies are the "Demoyear"
    family); returns how many referrals were made."""
    if Referral.objects.filter(infant__family_name=HISTORY_FAMILY).exists():
        return 0
    today = timezone.localdate()
    services = list(SignpostService.objects.order_by("pk"))
    made = 0
    for months_ago in range(HISTORY_MONTHS, 0, -1):
        for place, given in enumerate(HISTORY_NAMES[: 3 + months_ago % 3]):
            number = months_ago * 5 + place
            received = months_ago * 30 - 6 * place
            received_on = today - received * DAY
            # Under 3 when sent (today, to the workflow's eligibility check) and all ages then.
            age = (number * 7) % (34 - months_ago)
            infant = _history_infant(given, number, received_on, age_months=age)
            referrer = referrers[number % len(referrers)]
            referral = workflow.submit(
                _referral(infant, referrer), by=referrer, confirm_duplicate=True
            )
            made += 1
            decided = received - 5 - place
            if number % 4 == 3:  # about one in four not accepted
                workflow.start_review(referral, by=lead, version=referral.version)
                workflow.decline(
                    referral,
                    by=lead,
                    version=referral.version,
                    reason=HISTORY_DECLINES[number % len(HISTORY_DECLINES)],
                    signposted_to=services[number % len(services)],
                    explanation="Demo: another service will meet this family's needs better.",
                )
                tz = timezone.get_current_timezone()
                sent_at = datetime.datetime.combine(received_on, datetime.time(9), tzinfo=tz)
                decided_at = datetime.datetime.combine(
                    today - decided * DAY, datetime.time(15), tzinfo=tz
                )
                Referral.objects.filter(pk=referral.pk).update(
                    created_at=sent_at,
                    submitted_at=sent_at,
                    review_started_at=decided_at,
                    decided_at=decided_at,
                )
                continue
            clinician = team[number % len(team)]
            case = _accepted_case(
                referral,
                reviewer=lead,
                clinician=clinician,
                received=received,
                accepted=decided,
            )
            _history_case(case, number, team=team)
            case.backdate()
    return made


def seed_national_codes():
    """The national codes a service lead would keep, every one but UNMAPPED_CODE (the reports
    page names it as a gap). Only when there are none: a lead's own codes are never touched."""
    if NationalCode.objects.exists():
        return 0
    codes = [
        NationalCode(field=column, value=value, code=f"{number + 1:02d}")
        for column, (_title, labels) in MAPPED.items()
        for number, value in enumerate(labels)
        if (column, value) != UNMAPPED_CODE
    ]
    NationalCode.objects.bulk_create(codes)
    return len(codes)


def queue_counts():
    return {status: Referral.objects.filter(status=status).count() for status in Status.values}


def fresh_parent_link():
    """A new secure link for the demo mother of the first baby (any earlier demo link is
    revoked). Returns (path, date_of_birth), or None if that referral is not in the database."""
    referral = (
        Referral.objects.filter(infant__given_name="Isla", infant__family_name="Brightwater")
        .exclude(status=Status.DRAFT)
        .select_related("infant")
        .first()
    )
    if referral is None:
        return None
    carer = referral.infant.care_relationships.get(is_main_carer=True).carer
    lead = _user("service.lead@example.org")
    for invitation in referral.invitations.filter(carer=carer, revoked_at__isnull=True):
        invitations.revoke(invitation, by=lead)
    _invitation, token = invitations.create(referral, carer=carer, by=lead, send_email=False)
    return invitations.link_path(token), referral.infant.date_of_birth


# --- records governance: a review queue, a legal hold, a subject access request ------------

RECORDS_DUE = 3  # old declined referrals the demo puts on the review queue (one then destroyed)


def seed_records(*, lead):
    """Three of the history's declined referrals made old enough for their retention rule, so the
    daily run puts them on the review queue: one under a legal hold (a complaint), one destroyed
    by the service lead (the register's row); and a subject access request for the first demo
    family, received ten days ago and not yet produced. Once only: a database that has any of
    these keeps its own."""
    if RetentionReview.objects.exists() or SubjectAccessRequest.objects.exists():
        return
    rule = retention.rules()["declined_or_withdrawn"]
    tz = timezone.get_current_timezone()
    decided = retention.shift(timezone.now(), rule.period, rule.unit, back=True) - 20 * DAY
    declined = Referral.objects.filter(
        status=Status.DECLINED, infant__family_name=HISTORY_FAMILY
    ).order_by("pk")[:RECORDS_DUE]
    for n, referral in enumerate(declined):
        decided_at = datetime.datetime.combine(
            decided.date() - n * DAY, datetime.time(15), tzinfo=tz
        )
        received_at = decided_at - 9 * DAY
        Referral.objects.filter(pk=referral.pk).update(
            created_at=received_at,
            submitted_at=received_at,
            review_started_at=decided_at,
            decided_at=decided_at,
            updated_at=decided_at,
        )
    held = declined.first()
    if held is not None and not LegalHold.objects.exists():
        retention.place_hold(
            held,
            by=lead,
            reason="complaint",
            note="Demo: the family's complaint about the decision is being looked into.",
        )
    retention.apply()
    last = RetentionReview.objects.filter(referral__in=list(declined)).order_by("-pk").first()
    if last is not None and last.referral_id != getattr(held, "pk", None):
        retention.destroy_reviewed(last, by=lead)
    isla = Infant.objects.filter(given_name="Isla", family_name="Brightwater").first()
    if isla is not None:
        subject_access.start(infant=isla, requested_on=timezone.localdate() - 10 * DAY, by=lead)
