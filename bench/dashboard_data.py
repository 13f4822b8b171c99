"""Synthetic referrals for `make bench-dashboard`, in bulk, shaped as the workflow writes them.

`seed(total)` writes `total` sent referrals into the database Django is connected to, with
everything the team's pages read: the baby (a valid CHI number, a postcode from the synthetic
directory, a GP practice), a parent and their care relationship, the status history
(ReferralEvent) and the audit trail of each step, parents' invitations and the views some of
them sent, the team's questions, appointments (with the staff who saw the family) and the
family's unavailability; and a synthetic Scottish Postcode Directory of `postcodes` rows. Every
row goes through the tables' constraints (bulk_create: INSERTs, not the workflow, so 100,000
referrals take minutes, not an hour).

The open cases are a service's size and do not grow with the history (as in bench/pathway.py):
new, in review, waiting for information, waiting for treatment and in treatment, received in
the last year, the same numbers at 1,000 and at 100,000; everything else is history, closed,
declined or withdrawn over the ten years before. Below 1,000 referrals the open cases shrink in
proportion (the test seeds 20).

Every person is synthetic: names made of syllables, example.org addresses, Ofcom's drama
telephone numbers, postcodes in districts that do not exist (ZX).
"""

import datetime
import hashlib
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.import_postcodes import AREAS, synthetic_postcode, write_directory

BATCH = 5_000
EMAIL_DOMAIN = "bench-dashboard.invalid"
# Open cases at 1,000 referrals or more (a service's capacity), by status.
OPEN_CASES = {
    "submitted": 60,
    "in_review": 20,
    "information_requested": 10,
    "accepted": 300,
    "in_treatment": 150,
}
SECTIONS = ("baby", "carers", "concerns", "safety", "consent", "about-you")
HISTORY = (("closed", 70), ("declined", 25), ("withdrawn", 5))
MEMBERS = 11  # besides the service lead who signs in
REFERRERS = 40
SYLLABLES = (
    "ka", "lo", "mi", "ra", "ten", "vo", "zu", "bel", "dor", "fin", "gal", "hep", "jor", "kes",
    "lin", "mar", "nol", "pim", "quen", "rud", "sil", "tov", "ul", "wex",
)  # fmt: skip
# The transitions each status went through, in order, from the draft.
PATHS = {
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "information_requested": ["submitted", "in_review", "information_requested"],
    "accepted": ["submitted", "in_review", "accepted"],
    "in_treatment": ["submitted", "in_review", "accepted", "in_treatment"],
    "closed": ["submitted", "in_review", "accepted", "in_treatment", "closed"],
    "declined": ["submitted", "in_review", "declined"],
    "withdrawn": ["submitted", "withdrawn"],
}
# Catchment postcodes of the synthetic directory: its rows cycle through AREAS, whose first two
# pairs are the catchment's councils.
CATCHMENT_AREAS = 2


@dataclass
class Seeded:
    lead: object  # the service lead who signs in (and has a caseload)
    password: str
    members: list
    searches: dict  # what to search for: {"reference": ..., "CHI": ..., "postcode": ..., ...}
    month: str  # a recent month with referrals received, "YYYY-MM"


def name(n, parts):
    """A synthetic name: `parts` syllables picked by the digits of n in base len(SYLLABLES)."""
    out = ""
    for _ in range(parts):
        n, digit = divmod(n, len(SYLLABLES))
        out += SYLLABLES[digit]
    return out.capitalize()


def plan_of(total):
    """How many referrals of each status: the open cases (scaled below 1,000), then history."""
    scale = min(1.0, total / 1_000)
    open_cases = {status: max(1, round(count * scale)) for status, count in OPEN_CASES.items()}
    return open_cases, total - sum(open_cases.values())


def seed(total, *, postcodes=250_000, password="bench-dashboard-password-1"):  # noqa: S107 # pragma: allowlist secret
    """Seed `total` referrals (and a `postcodes`-row directory); return what the benchmark
    needs to sign in and to find things."""
    from django.db import connection
    from django.utils import timezone

    from imhs.models import AuditAction, AuditEvent, Role, User
    from patients.chi import make_chi
    from patients.importers import import_postcodes
    from patients.models import Carer, CareRelationship, GPPractice, Infant
    from referrals.assessment import assessment_for
    from referrals.models import (
        Appointment,
        InformationRequest,
        ParentInvitation,
        ParentViews,
        Referral,
        ReferralEvent,
        Unavailability,
    )

    rng = random.Random(total)  # noqa: S311 - fixed: the same data on every run
    today = timezone.localdate()
    now = timezone.now()
    staff_links = Appointment.staff.through

    def noon(day, hour=12):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    # The people: a service lead (who signs in), the team, and referrers.
    lead, _ = User.objects.get_or_create(
        email=f"lead@{EMAIL_DOMAIN}",
        defaults={
            "given_name": "Benchlead",
            "family_name": "Person",
            "role": Role.SERVICE_LEAD,
            "profession": "clinical_psychologist",
        },
    )
    lead.set_password(password)
    lead.save(update_fields=["password"])
    team_professions = ("clinical_psychologist", "child_psychotherapist", "social_worker")
    members = [lead] + [
        User.objects.get_or_create(
            email=f"member{n}@{EMAIL_DOMAIN}",
            defaults={
                "given_name": name(n + 7, 2),
                "family_name": "Teammember",
                "role": Role.TEAM_MEMBER,
                "profession": team_professions[n % 3],
            },
        )[0]
        for n in range(MEMBERS)
    ]
    referrers = [
        User.objects.get_or_create(
            email=f"referrer{n}@{EMAIL_DOMAIN}",
            defaults={
                "given_name": name(n + 300, 2),
                "family_name": "Referrer",
                "role": Role.REFERRER,
                "profession": "health_visitor",
            },
        )[0]
        for n in range(REFERRERS)
    ]
    practices = [
        GPPractice.objects.get_or_create(
            code=f"9{n:04d}",
            defaults={
                "name": f"Bench Medical Practice {n}",
                "postcode": synthetic_postcode(n * len(AREAS)),
                "health_board_code": AREAS[0][0],
            },
        )[0]
        for n in range(20)
    ]

    # The postcode directory, through the service's own importer (COPY).
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "directory.csv"
        write_directory(path, postcodes)
        with open(path, encoding="utf-8-sig", newline="") as file:
            import_postcodes(file)
    catchment = [n for n in range(postcodes) if n % len(AREAS) < CATCHMENT_AREAS]

    open_cases, history = plan_of(total)
    kinds = [status for status, count in open_cases.items() for _ in range(count)]
    kinds += rng.choices([k for k, _w in HISTORY], [w for _k, w in HISTORY], k=history)
    received_days = []
    for kind in kinds:
        if kind == "submitted":
            received_days.append(rng.randint(1, 30))
        elif kind in ("in_review", "information_requested"):
            received_days.append(rng.randint(5, 60))
        elif kind == "accepted":
            received_days.append(rng.randint(20, 360))
        elif kind == "in_treatment":
            received_days.append(rng.randint(60, 360))
        else:
            received_days.append(rng.randint(365, 3650))
    # Cases allocated in turn, the lead first (so the lead has a caseload at any size).
    cases = [n for n in range(total) if kinds[n] in ("accepted", "in_treatment", "closed")]
    allocated_to = {n: members[i % len(members)] for i, n in enumerate(cases)}
    # References in the order received, as the sequence gives them.
    order = sorted(range(total), key=lambda n: -received_days[n])
    number_of = {n: i + 1 for i, n in enumerate(order)}
    eligibility = None

    def plan_referral(n):
        kind = kinds[n]
        received = today - datetime.timedelta(days=received_days[n])
        reviewed = received + datetime.timedelta(days=1)
        decided = received + datetime.timedelta(days=7)
        visits, started, closed = [], None, None
        if kind in ("accepted", "in_treatment", "closed"):
            first = decided + datetime.timedelta(days=7)
            visits.append((first, "assessment", "attended"))
            if kind == "accepted":
                if first >= today:
                    visits[0] = (first, "assessment", "booked")
                else:
                    visits.append(
                        (today + datetime.timedelta(days=rng.randint(1, 40)),
                         "first_treatment", "booked")
                    )  # fmt: skip
            else:
                room = (today - first).days - 2 if kind == "in_treatment" else 120
                started = first + datetime.timedelta(days=rng.randint(1, max(1, room)))
                visits.append((started, "first_treatment", "attended"))
                if kind == "in_treatment":
                    visits.append(
                        (today + datetime.timedelta(days=rng.randint(1, 30)), "treatment",
                         "booked")
                    )  # fmt: skip
                else:
                    visits += [
                        (started + datetime.timedelta(days=14), "treatment", "attended"),
                        (started + datetime.timedelta(days=28), "review", "attended"),
                    ]
                    closed = started + datetime.timedelta(days=rng.randint(35, 90))
        return kind, received, reviewed, decided, started, closed, visits

    seen = {"reference": None, "CHI": None, "postcode": None, "name": None}
    sample = total // 2  # a referral from the middle of the history, found by each search
    for start in range(0, total, BATCH):
        numbers = range(start, min(start + BATCH, total))
        plans = {n: plan_referral(n) for n in numbers}
        infants = []
        for n in numbers:
            received = plans[n][1]
            born = received - datetime.timedelta(days=rng.randint(30, 700))
            female = n % 2 == 0
            infants.append(
                Infant(
                    given_name=name(n % 400 + 11, 2), family_name=name(n // 400 * 7 + 5, 3),
                    date_of_birth=born, chi_number=make_chi(born, female=female,
                                                            serial=f"{n % 100:02d}"),
                    sex="female" if female else "male",
                    address_line_1=f"{n % 200 + 1} Bench Street", town="Benchtown",
                    postcode=synthetic_postcode(catchment[(n * 7919) % len(catchment)]),
                    gp_registration="listed", gp_practice=practices[n % len(practices)],
                    lives_with="parents",
                )
            )  # fmt: skip
        Infant.objects.bulk_create(infants)
        carers = Carer.objects.bulk_create(
            Carer(
                given_name=name(n % 500 + 41, 2), family_name=infant.family_name,
                phone=f"07700 900{n % 1000:03d}", email=f"carer{n}@example.org",
                preferred_contact_method="phone",
            )
            for n, infant in zip(numbers, infants, strict=True)
        )  # fmt: skip
        CareRelationship.objects.bulk_create(
            CareRelationship(
                infant=infant, carer=carer, relationship="mother",
                has_parental_responsibility=True, lives_with_infant=True, is_main_carer=True,
            )
            for infant, carer in zip(infants, carers, strict=True)
        )  # fmt: skip

        referrals = []
        for n, infant in zip(numbers, infants, strict=True):
            kind, received, reviewed, decided, started, closed, _visits = plans[n]
            referrer = referrers[n % REFERRERS]
            member = allocated_to.get(n) or members[n % len(members)]
            case = kind in ("accepted", "in_treatment", "closed")
            was_reviewed = kind not in ("submitted", "withdrawn")
            was_decided = case or kind == "declined"
            referral = Referral(
                reference=f"IMH-{received.year}-{number_of[n]:05d}", status=kind,
                version=len(PATHS[kind]) + 1, infant=infant, referrer=referrer,
                section_states=dict.fromkeys(SECTIONS, "completed"),
                referrer_name=referrer.full_name, referrer_profession="health_visitor",
                referrer_base="Bench Health Visiting Team", referrer_phone="01698 000000",
                referrer_email=referrer.email, discussed_with_health_visitor=True,
                relationship_indicators=5, relationship_observed="Synthetic observation.",
                emotional_indicators=4, emotional_observed="Synthetic observation.",
                cognitive_indicators=3, cognitive_observed="Synthetic observation.",
                sense_of_self_indicators=0, social_interaction_indicators=0,
                concerns_duration="Some months.", why_now="Synthetic reason.",
                child_protection_concerns=False, consent_given=True,
                consent_given_by=f"{carers[n - start].full_name} (mother)",
                consent_given_on=received, consent_to_share=True,
                parent_views_method="secure_link" if n % 3 == 0 else "not_now",
                appointment_places=["home"],
                eligibility_outcome="needs_review" if n % 10 == 0 else "eligible",
                review_started_by=member if was_reviewed else None,
                review_started_at=noon(reviewed) if was_reviewed else None,
                priority="routine" if case else "",
                allocated_to=member if case else None,
                allocated_at=noon(decided) if case else None,
                decided_at=noon(decided) if was_decided else None,
                decided_by=member if was_decided else None,
                decline_reason="another_service" if kind == "declined" else "",
                signposted_other="Bench Family Support Service" if kind == "declined" else "",
                decision_explanation="Synthetic explanation." if kind == "declined" else "",
                treatment_started_on=started, closed_on=closed,
                close_reason="treatment_completed" if closed else "",
                withdraw_reason="Synthetic: the family moved." if kind == "withdrawn" else "",
                submitted_at=noon(received, 9 + n % 8), submitted_by=referrer,
            )  # fmt: skip
            referrals.append(referral)
        if eligibility is None:
            # The assessment as submission stores it (the first referral's: all are alike).
            eligibility = assessment_for(referrals[0]).as_dict()
        for referral in referrals:
            referral.eligibility = eligibility
        Referral.objects.bulk_create(referrals)

        events, audits, invitations, views, questions, appointments, away = ([] for _ in "1234567")
        for n, referral, carer in zip(numbers, referrals, carers, strict=True):
            kind, received, reviewed, decided, started, closed, visits = plans[n]
            member = allocated_to.get(n) or members[n % len(members)]
            moments = {
                "submitted": (noon(received, 9 + n % 8), referral.referrer),
                "in_review": (noon(reviewed), member),
                "information_requested": (noon(reviewed, 14), member),
                "accepted": (noon(decided), member),
                "declined": (noon(decided), member),
                "in_treatment": (noon(started) if started else None, member),
                "closed": (noon(closed) if closed else None, member),
                "withdrawn": (noon(received + datetime.timedelta(days=3)), referral.referrer),
            }
            previous = "draft"
            for status in PATHS[kind]:
                at, by = moments[status]
                events.append(
                    ReferralEvent(referral=referral, from_status=previous, to_status=status,
                                  at=at, by=by)
                )  # fmt: skip
                audits.append(
                    AuditEvent(at=at, actor=by, action=AuditAction.CHANGE,
                               object_type="referrals.referral", object_id=str(referral.pk),
                               detail={"action": status})
                )  # fmt: skip
                previous = status
            audits.append(
                AuditEvent(at=noon(reviewed, 10), actor=member, action=AuditAction.VIEW,
                           object_type="referrals.referral", object_id=str(referral.pk))
            )  # fmt: skip
            if referral.parent_views_method == "secure_link":
                sent = noon(received, 9 + n % 8)
                answered = n % 2 == 0
                invitations.append(
                    ParentInvitation(
                        referral=referral, carer=carer,
                        email_token_hash=hashlib.sha256(f"bench-{n}".encode()).hexdigest(),
                        created_at=sent, created_by=referral.referrer,
                        expires_at=sent + datetime.timedelta(days=28), emailed=True,
                        first_opened_at=sent + datetime.timedelta(days=2) if answered else None,
                        submitted_at=sent + datetime.timedelta(days=3) if answered else None,
                    )
                )  # fmt: skip
                if answered:
                    views.append(
                        ParentViews(
                            referral=referral, carer=carer, going_well="Synthetic: feeding.",
                            worries="Synthetic: sleep.", help_wanted="Synthetic: advice.",
                            saved_at=sent + datetime.timedelta(days=3),
                            submitted_at=sent + datetime.timedelta(days=3),
                        )
                    )  # fmt: skip
            if kind == "information_requested":
                questions.append(
                    InformationRequest(referral=referral, question="Synthetic question?",
                                       asked_by=member, asked_at=noon(reviewed, 14))
                )  # fmt: skip
            for i, (day, purpose, attendance) in enumerate(visits):
                done = attendance != "booked"
                appointments.append(
                    Appointment(
                        referral=referral, on=day, time=datetime.time(9 + i), purpose=purpose,
                        mode="clinic", location="Bench Clinic", attendance=attendance,
                        booked_by=member, booked_at=noon(decided),
                        outcome_by=member if done else None,
                        outcome_at=noon(min(day, today)) if done else None,
                    )
                )  # fmt: skip
            if kind == "accepted" and n % 5 == 0:
                begins = decided + datetime.timedelta(days=2)
                away.append(
                    Unavailability(referral=referral, start=begins,
                                   end=begins + datetime.timedelta(days=7),
                                   reason="Synthetic: away", recorded_by=member,
                                   recorded_at=noon(begins))
                )  # fmt: skip
            if n == sample:
                infant = referral.infant
                seen.update(
                    reference=referral.reference,
                    CHI=infant.chi_number,
                    postcode=infant.postcode,
                    name=f"{infant.given_name} {infant.family_name}",
                )
        ReferralEvent.objects.bulk_create(events)
        AuditEvent.objects.bulk_create(audits)
        ParentInvitation.objects.bulk_create(invitations)
        ParentViews.objects.bulk_create(views)
        InformationRequest.objects.bulk_create(questions)
        Appointment.objects.bulk_create(appointments)
        staff_links.objects.bulk_create(
            staff_links(appointment_id=a.pk, user_id=a.booked_by_id) for a in appointments
        )
        Unavailability.objects.bulk_create(away)

    with connection.cursor() as cursor:
        # bulk_create stamps created_at and updated_at with now: put them where the workflow
        # would have (created before submission, last changed at the last step).
        cursor.execute(
            "UPDATE referrals_referral SET created_at = submitted_at - interval '2 days', "
            "updated_at = GREATEST(submitted_at, review_started_at, decided_at, "
            "closed_on::timestamptz, treatment_started_on::timestamptz) "
            "WHERE reference LIKE 'IMH-%%' AND updated_at >= %s",
            [now],
        )
    month = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    return Seeded(lead=lead, password=password, members=members, searches=seen, month=month)
