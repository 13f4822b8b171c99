"""The hand-worked dataset of the monthly figures' tests: October 2026 and the months before it
(conftest.py makes it a fixture). Every referral is named (r: received in October, p: in
treatment, w: waiting); the expected values are worked out in test_month_figures.py and
test_trends.py."""

import datetime
import zoneinfo

from imhs.models import Profession
from patients.models import Sex
from referrals.models import (
    Appointment,
    ParentInvitation,
    ParentViews,
    SignpostService,
    Status,
    Unavailability,
)
from referrals.reports.figures import Month
from tests.factories import (
    CarerFactory,
    InfantFactory,
    PostcodeFactory,
    ReferralFactory,
    TeamMemberFactory,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
OCTOBER = Month(2026, 10)
NORTH, SOUTH = "S12000050", "S12000029"


def day(month, dd, year=2026):
    return datetime.date(year, month, dd)


def at(date, hour=12, minute=0):
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=LONDON)


def born_months_before(received, months):
    """A date of birth `months` whole months (and a few days) before `received`."""
    year, month = divmod(received.year * 12 + received.month - 1 - months, 12)
    return datetime.date(year, month + 1, 1)


def make_staff():
    return {
        "psychologist": TeamMemberFactory(profession=Profession.CLINICAL_PSYCHOLOGIST),
        "psychotherapist": TeamMemberFactory(profession=Profession.CHILD_PSYCHOTHERAPIST),
    }


def referral(
    received,
    *,
    status,
    decided=None,
    by,
    profession="health_visitor",
    postcode="ML5 9ZZ",
    age_months=10,
    sex=Sex.FEMALE,
    hour=12,
    minute=0,
    **fields,
):
    infant = InfantFactory(
        postcode=postcode,
        sex=sex,
        date_of_birth=born_months_before(received, age_months),
    )
    decision = {}
    if decided is not None:
        decision = {"decided_at": at(decided), "decided_by": by}
    return ReferralFactory(
        submitted=True,
        infant=infant,
        status=status,
        submitted_at=at(received, hour, minute),
        referrer_profession=profession,
        **decision,
        **fields,
    )


def appointment(referral, on, attendance, *, staff, mode="clinic", purpose="assessment", **kw):
    booked_by = staff[0]
    made = Appointment.objects.create(
        referral=referral,
        on=on,
        time=datetime.time(10),
        purpose=purpose,
        mode=mode,
        attendance=attendance,
        booked_by=booked_by,
        booked_at=at(on - datetime.timedelta(days=14)),
        outcome_by=None if attendance == "booked" else booked_by,
        outcome_at=None if attendance == "booked" else at(on),
        **kw,
    )
    made.staff.set(staff)
    return made


def build_october(staff):
    psychologist, psychotherapist = staff["psychologist"], staff["psychotherapist"]
    PostcodeFactory(postcode="ML5 1AA", council_area_code=NORTH)
    PostcodeFactory(postcode="G72 1AA", council_area_code=SOUTH)
    service = SignpostService.objects.create(name="Synthetic Family Support Service")
    routes = {
        "a": {
            "relationship_indicators": 5,
            "emotional_indicators": 5,
            "cognitive_indicators": 5,
            "sense_of_self_indicators": 0,
            "social_interaction_indicators": 0,
        },
        "b": {
            "relationship_indicators": 4,
            "emotional_indicators": 4,
            "cognitive_indicators": 4,
            "sense_of_self_indicators": 4,
            "social_interaction_indicators": 0,
        },
    }
    made = {}
    # --- received in October -------------------------------------------------------------
    made["r1"] = referral(  # accepted 7 days after receipt; route a; waiting at month end
        day(10, 3),
        status=Status.ACCEPTED,
        decided=day(10, 10),
        by=psychologist,
        postcode="ML5 1AA",
        age_months=4,
        **routes["a"],
    )
    made["r2"] = referral(  # not accepted the next day; overrode the residence check
        day(10, 5),
        status=Status.DECLINED,
        decided=day(10, 6),
        by=psychologist,
        profession="family_nurse",
        postcode="G72 1AA",
        age_months=8,
        sex=Sex.MALE,
        decline_reason="another_service",
        signposted_to=service,
        decision_explanation="Synthetic explanation.",
        residence_override_reason="Synthetic: moving into the area.",
    )
    made["r3"] = referral(  # pending; a postcode the directory does not have
        day(10, 7), status=Status.SUBMITTED, by=None, postcode="ZZ9 9ZZ", age_months=14
    )
    made["r4"] = referral(  # withdrawn before a decision
        day(10, 20),
        status=Status.WITHDRAWN,
        by=None,
        profession="nursery",
        postcode="ML5 1AA",
        age_months=30,
        sex=Sex.NOT_KNOWN,
    )
    made["r5"] = referral(  # 23:30 on the month's last day (still October); decided in November
        day(10, 31),
        hour=23,
        minute=30,
        status=Status.ACCEPTED,
        decided=day(11, 2),
        by=psychologist,
        postcode="G72 1AA",
        age_months=40,
        gp_practice_override_reason="Synthetic: registering with a local practice.",
        **routes["b"],
    )
    # --- received before October -----------------------------------------------------------
    made["r6"] = referral(  # 23:30 on 30 September: not October's; declined on 1 October
        day(9, 30),
        hour=23,
        minute=30,
        status=Status.DECLINED,
        decided=day(10, 1),
        by=psychologist,
        decline_reason="not_eligible_area",
        signposted_other="Synthetic named service",
        decision_explanation="Synthetic explanation.",
    )
    made["w6"] = referral(  # accepted 1 October (11 days); no appointment: 4 weeks missed
        day(9, 20), status=Status.ACCEPTED, decided=day(10, 1), by=psychologist
    )
    # Seen in October. p1: a did-not-attend on 1 June restarts the clock (31 days after
    # receipt); 14 days away in July pause it; treatment on 5 October: 126 - 14 = 112 days =
    # 16 weeks adjusted; 157 days = 23 weeks unadjusted.
    made["p1"] = referral(
        day(5, 1),
        status=Status.IN_TREATMENT,
        decided=day(5, 10),
        by=psychologist,
        treatment_started_on=day(10, 5),
    )
    # p2: received 15 January, treated 20 October: 278 days = 40 weeks either way. Its
    # did-not-attend on 10 October comes after 18 weeks had passed: no reset.
    made["p2"] = referral(
        day(1, 15),
        status=Status.IN_TREATMENT,
        decided=day(1, 20),
        by=psychologist,
        treatment_started_on=day(10, 20),
    )
    # Open on 1 October: p3 (treated from 30 September, closed 15 October) and p4.
    made["p3"] = referral(
        day(6, 1),
        status=Status.CLOSED,
        decided=day(6, 5),
        by=psychologist,
        treatment_started_on=day(9, 30),
        closed_on=day(10, 15),
        close_reason="treatment_completed",
    )
    made["p4"] = referral(
        day(3, 1),
        status=Status.IN_TREATMENT,
        decided=day(3, 5),
        by=psychologist,
        treatment_started_on=day(8, 1),
    )
    # Waiting on 31 October: w1 (family cancelled on 8 October: 23 days = 4 weeks), w2 (244
    # days = 35 weeks), w3 (213 days = 31 weeks; treated only on 5 November), w6 (41 days =
    # 6 weeks) and r1 (28 days = 4 weeks). Not waiting: w4 (closed 20 October before
    # treatment), w5 (accepted in November).
    made["w1"] = referral(day(9, 1), status=Status.ACCEPTED, decided=day(9, 5), by=psychologist)
    made["w2"] = referral(day(3, 1), status=Status.ACCEPTED, decided=day(3, 10), by=psychologist)
    made["w3"] = referral(
        day(4, 1),
        status=Status.IN_TREATMENT,
        decided=day(4, 10),
        by=psychologist,
        treatment_started_on=day(11, 5),
    )
    made["w4"] = referral(
        day(6, 1),
        status=Status.CLOSED,
        decided=day(6, 10),
        by=psychologist,
        closed_on=day(10, 20),
        close_reason="not_brought",
    )
    made["w5"] = referral(day(9, 25), status=Status.ACCEPTED, decided=day(11, 3), by=psychologist)

    both = [psychologist, psychotherapist]
    treatment = "first_treatment"
    appointment(made["p1"], day(6, 1), "did_not_attend", staff=[psychologist])
    appointment(made["p1"], day(10, 5), "attended", staff=[psychologist], purpose=treatment)
    Unavailability.objects.create(
        referral=made["p1"],
        start=day(7, 1),
        end=day(7, 14),
        reason="Synthetic holiday",
        recorded_by=psychologist,
        recorded_at=at(day(6, 20)),
    )
    appointment(made["p2"], day(10, 10), "did_not_attend", staff=both, mode="home_visit")
    appointment(
        made["p2"],
        day(10, 20),
        "attended",
        staff=[psychotherapist],
        mode="near_me",
        purpose=treatment,
    )
    appointment(
        made["w1"],
        day(10, 12),
        "patient_cancelled",
        staff=[psychologist],
        cancelled_on=day(10, 8),
    )
    appointment(made["r1"], day(10, 15), "attended", staff=[psychotherapist], mode="nursery")
    appointment(made["r1"], day(11, 3), "booked", staff=[psychotherapist])
    appointment(
        made["w2"], day(10, 25), "clinic_cancelled", staff=[psychologist], cancelled_on=day(10, 20)
    )
    appointment(made["p3"], day(9, 30), "attended", staff=[psychotherapist], purpose=treatment)
    appointment(
        made["p3"],
        day(10, 1),
        "attended",
        staff=[psychotherapist],
        mode="telephone",
        purpose="treatment",
    )
    appointment(made["w3"], day(11, 5), "attended", staff=[psychologist], purpose=treatment)

    # Parents' links: two sent in October, one on 30 September; one set of views in October.
    carer = CarerFactory()
    for sent_at in (at(day(9, 30), 22), at(day(10, 2)), at(day(10, 31), 23)):
        ParentInvitation.objects.create(
            referral=made["r1"],
            carer=carer,
            created_at=sent_at,
            created_by=psychologist,
            expires_at=sent_at + datetime.timedelta(days=28),
        )
    ParentViews.objects.create(
        referral=made["r1"], carer=carer, going_well="Synthetic.", submitted_at=at(day(10, 9))
    )
    return made
