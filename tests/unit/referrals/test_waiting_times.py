import datetime

from referrals import waiting_times

RECEIVED = datetime.date(2026, 3, 2)


def days(n):
    return RECEIVED + datetime.timedelta(days=n)


def test_the_18_weeks_run_out_126_days_after_receipt():
    assert waiting_times.breach_on(RECEIVED) == days(126)
    assert not waiting_times.breached(RECEIVED, days(126))  # seen that day is still in time
    assert waiting_times.breached(RECEIVED, days(127))


def test_weeks_of_the_wait_count_from_1_on_the_day_it_arrived():
    assert waiting_times.days_waiting(RECEIVED, days(10)) == 10
    assert waiting_times.week_of_wait(RECEIVED, RECEIVED) == 1
    assert waiting_times.week_of_wait(RECEIVED, days(7)) == 2
    assert waiting_times.week_of_wait(RECEIVED, days(125)) == 18
    assert waiting_times.week_of_wait(RECEIVED, days(126)) == 19


def test_first_appointment_standards_are_judged_from_acceptance_and_receipt():
    accepted_on = days(5)
    assert waiting_times.first_appointment_due_on(accepted_on) == days(33)
    assert waiting_times.seen_within_first_appointment_weeks(accepted_on, days(33))
    assert not waiting_times.seen_within_first_appointment_weeks(accepted_on, days(34))
    assert waiting_times.seen_within_treatment_weeks(RECEIVED, days(126))
    assert not waiting_times.seen_within_treatment_weeks(RECEIVED, days(127))
