"""The local 4-week measure (the 18-week clock's rules are in test_referral_to_treatment.py)."""

import datetime

from referrals.waiting_times import Appointment, first_appointment

ACCEPTED = datetime.date(2026, 3, 2)


def days(n):
    return ACCEPTED + datetime.timedelta(days=n)


def seen(n, attendance="attended", treatment=False):
    return Appointment(on=days(n), treatment=treatment, attendance=attendance)


def test_a_first_appointment_attended_on_the_28th_day_after_acceptance_is_in_time():
    measure = first_appointment(accepted_on=ACCEPTED, today=days(40), appointments=[seen(28)])
    assert (measure.due_on, measure.attended_on, measure.met) == (days(28), days(28), True)


def test_the_29th_day_is_late():
    measure = first_appointment(accepted_on=ACCEPTED, today=days(40), appointments=[seen(29)])
    assert measure.met is False


def test_any_kind_counts_but_only_when_attended():
    appointments = [seen(3, "did_not_attend"), seen(5, "patient_cancelled"), seen(20)]
    measure = first_appointment(accepted_on=ACCEPTED, today=days(40), appointments=appointments)
    assert (measure.attended_on, measure.met) == (days(20), True)


def test_not_known_until_the_4_weeks_are_over():
    booked = [seen(30, "booked")]
    assert first_appointment(accepted_on=ACCEPTED, today=days(28), appointments=booked).met is None
    assert first_appointment(accepted_on=ACCEPTED, today=days(29), appointments=booked).met is False
