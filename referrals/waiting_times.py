"""Waiting times: Scotland's CAMHS standard, treatment within 18 weeks of referral, and a first
appointment within 4 weeks of acceptance for those meeting the criteria.

The referral-to-treatment clock starts on the day the referral is received (`Referral.
received_on`). Pure: dates in, dates and numbers out, no database; the pages put them in words.
"""

import datetime

TREATMENT_WEEKS = 18
FIRST_APPOINTMENT_WEEKS = 4


def breach_on(received_on):
    """The day the 18 weeks from receipt run out: a first appointment that day is in time."""
    return received_on + datetime.timedelta(weeks=TREATMENT_WEEKS)


def first_appointment_due_on(accepted_on):
    """The last day for a first appointment within 4 weeks of acceptance."""
    return accepted_on + datetime.timedelta(weeks=FIRST_APPOINTMENT_WEEKS)


def days_waiting(received_on, today):
    return (today - received_on).days


def week_of_wait(received_on, today):
    """Which week of the wait `today` is in: 1 on the day the referral arrived, 19 once the 18
    weeks are up (the dashboard flags a wait from week 19)."""
    return days_waiting(received_on, today) // 7 + 1


def breached(received_on, today):
    """Whether the 18 weeks ran out before `today` (the referral's page marks it in red)."""
    return today > breach_on(received_on)


def seen_within_treatment_weeks(received_on, first_appointment_on):
    return first_appointment_on <= breach_on(received_on)


def seen_within_first_appointment_weeks(accepted_on, first_appointment_on):
    return first_appointment_on <= first_appointment_due_on(accepted_on)
