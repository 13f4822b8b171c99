"""The referral-to-treatment clock (issue 14, point 3): every rule at its boundaries, and the
properties any adjustment must keep. Dates are invented; 126 days are 18 weeks."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.waiting_times import (
    ATTENDANCES,
    Appointment,
    Unavailability,
    band_for,
    referral_to_treatment,
)

RECEIVED = datetime.date(2026, 1, 5)


def day(n):
    """The date `n` days after the referral was received."""
    return RECEIVED + datetime.timedelta(days=n)


def wait(today=200, appointments=(), unavailability=()):
    return referral_to_treatment(
        received_on=RECEIVED,
        today=day(today),
        appointments=list(appointments),
        unavailability=list(unavailability),
    )


def seen(n, attendance="attended", treatment=True, cancelled=None):
    return Appointment(
        on=day(n),
        treatment=treatment,
        attendance=attendance,
        cancelled_on=day(cancelled) if cancelled is not None else None,
    )


def away(first, last):
    return Unavailability(start=day(first), end=day(last))


# --- treatment start and the wait's end -----------------------------------------------------


def test_still_waiting_the_wait_runs_to_today():
    w = wait(today=100)
    assert w.treatment_started_on is None
    assert (w.clock_start, w.unadjusted_days, w.adjusted_days, w.paused_days) == (
        RECEIVED,
        100,
        100,
        0,
    )
    assert w.adjusted_weeks == 15  # 100 / 7 rounded up
    assert w.breach_on == day(126)


def test_treatment_starts_at_the_earliest_attended_treatment_appointment():
    w = wait(appointments=[seen(90), seen(60), seen(30, treatment=False), seen(40, "booked")])
    assert w.treatment_started_on == day(60)
    assert w.unadjusted_days == w.adjusted_days == 60


def test_an_attended_appointment_that_is_not_treatment_does_not_stop_the_clock():
    assert wait(today=50, appointments=[seen(20, treatment=False)]).treatment_started_on is None


@pytest.mark.parametrize(
    ("days", "weeks", "band"),
    [
        (0, 0, "0-18"),
        (1, 1, "0-18"),
        (126, 18, "0-18"),
        (127, 19, "19-35"),
        (245, 35, "19-35"),
        (246, 36, "36-52"),
        (364, 52, "36-52"),
        (365, 53, "over-52"),
    ],
)
def test_adjusted_weeks_round_up_and_fall_in_their_band(days, weeks, band):
    w = wait(today=days)
    assert (w.adjusted_weeks, w.band) == (weeks, band)
    assert band_for(weeks) == band


# --- clock resets -----------------------------------------------------------------------------


@pytest.mark.parametrize("missed", ["did_not_attend", "could_not_wait"])
def test_a_missed_appointment_resets_the_clock_to_its_date(missed):
    w = wait(today=150, appointments=[seen(40, missed)])
    assert (w.clock_start, w.clock_start_reason) == (day(40), missed)
    assert w.unadjusted_days == 150
    assert w.adjusted_days == 110
    assert w.breach_on == day(40 + 126)


def test_a_family_cancellation_resets_the_clock_to_the_day_they_cancelled():
    w = wait(appointments=[seen(60, "patient_cancelled", cancelled=45)])
    assert (w.clock_start, w.clock_start_reason) == (day(45), "patient_cancelled")


def test_a_family_cancellation_without_its_day_resets_to_the_appointments_date():
    assert wait(appointments=[seen(60, "patient_cancelled")]).clock_start == day(60)


@pytest.mark.parametrize("attendance", ["clinic_cancelled", "booked", "not_known", "attended"])
def test_other_outcomes_never_reset_the_clock(attendance):
    w = wait(appointments=[seen(60, attendance, treatment=False)])
    assert (w.clock_start, w.clock_start_reason) == (RECEIVED, "received")


def test_a_missed_appointment_after_treatment_started_does_not_reset_it():
    w = wait(appointments=[seen(50), seen(80, "did_not_attend")])
    assert w.clock_start == RECEIVED
    assert w.treatment_started_on == day(50)


def test_a_missed_appointment_on_the_day_the_wait_ends_resets_it():
    w = wait(today=70, appointments=[seen(70, "did_not_attend")])
    assert w.clock_start == day(70)
    assert w.adjusted_days == 0


def test_resets_apply_in_date_order_each_from_the_last():
    w = wait(today=300, appointments=[seen(150, "did_not_attend"), seen(30, "could_not_wait")])
    assert w.clock_start == day(150)  # 30 days, then 120 more: both under 126


def test_a_reset_125_days_after_the_last_applies_and_at_126_the_chain_ends():
    assert wait(today=300, appointments=[seen(125, "did_not_attend")]).clock_start == day(125)
    ended = wait(today=300, appointments=[seen(126, "did_not_attend"), seen(140, "did_not_attend")])
    assert ended.clock_start == RECEIVED  # the first reset not applied ends the chain


def test_unavailability_between_resets_keeps_a_late_reset_in_the_chain():
    # 130 days after receipt, but 10 of them the family was away: 120 < 126, so it applies.
    w = wait(today=300, appointments=[seen(130, "did_not_attend")], unavailability=[away(20, 29)])
    assert w.clock_start == day(130)


# --- pauses -------------------------------------------------------------------------------------


def test_unavailability_after_the_clock_start_pauses_the_clock_for_its_days():
    w = wait(today=100, unavailability=[away(10, 19)])
    assert (w.paused_days, w.adjusted_days, w.unadjusted_days) == (10, 90, 100)
    assert w.breach_on == day(126 + 10)


def test_a_period_running_over_the_clock_start_counts_from_it():
    w = wait(today=100, appointments=[seen(30, "did_not_attend")], unavailability=[away(20, 39)])
    assert w.clock_start == day(30)
    assert w.paused_days == 10  # days 30 to 39


def test_a_period_before_the_clock_start_does_not_pause_it():
    w = wait(today=100, appointments=[seen(30, "did_not_attend")], unavailability=[away(5, 9)])
    assert w.paused_days == 0


def test_a_period_is_cut_at_the_day_before_the_wait_ends():
    w = wait(appointments=[seen(50)], unavailability=[away(40, 60)])
    assert w.paused_days == 10  # days 40 to 49
    assert w.adjusted_days == 40


def test_a_period_starting_on_the_day_the_wait_ends_does_not_pause_it():
    assert wait(appointments=[seen(50)], unavailability=[away(50, 60)]).paused_days == 0


def test_a_period_may_start_126_days_after_the_clock_start_but_not_later():
    assert wait(today=200, unavailability=[away(126, 127)]).paused_days == 2
    assert wait(today=200, unavailability=[away(127, 128)]).paused_days == 0


def test_a_day_two_periods_share_pauses_the_clock_once():
    assert wait(today=100, unavailability=[away(10, 19), away(15, 24)]).paused_days == 15


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="Unknown attendance"):
        Appointment(on=RECEIVED, treatment=True, attendance="missed")
    with pytest.raises(ValueError, match="end before it starts"):
        Unavailability(start=day(2), end=day(1))


# --- properties ---------------------------------------------------------------------------------

offsets = st.integers(min_value=0, max_value=500)
appointments = st.lists(
    st.builds(
        lambda n, treatment, attendance, cancelled: seen(n, attendance, treatment, cancelled),
        offsets,
        st.booleans(),
        st.sampled_from(ATTENDANCES),
        st.one_of(st.none(), offsets),
    ),
    max_size=6,
)
periods = st.lists(
    st.tuples(offsets, st.integers(min_value=0, max_value=60)).map(
        lambda pair: away(pair[0], pair[0] + pair[1])
    ),
    max_size=4,
)


@given(today=offsets, booked=appointments, unavailable=periods)
def test_the_adjusted_wait_is_never_longer_than_the_unadjusted(today, booked, unavailable):
    w = wait(today=today, appointments=booked, unavailability=unavailable)
    assert 0 <= w.adjusted_days <= w.unadjusted_days
    assert w.clock_start >= RECEIVED
    assert w.breach_on >= w.clock_start


@given(today=offsets, booked=appointments, unavailable=periods)
def test_no_reset_without_a_missed_or_family_cancelled_appointment(today, booked, unavailable):
    kept = [
        a
        for a in booked
        if a.attendance not in {"did_not_attend", "could_not_wait", "patient_cancelled"}
    ]
    assert wait(today=today, appointments=kept, unavailability=unavailable).clock_start == RECEIVED


@given(
    today=offsets, booked=appointments, unavailable=periods, extra=offsets, treatment=st.booleans()
)
def test_a_cancellation_by_the_service_changes_nothing(
    today, booked, unavailable, extra, treatment
):
    before = wait(today=today, appointments=booked, unavailability=unavailable)
    after = wait(
        today=today,
        appointments=[*booked, seen(extra, "clinic_cancelled", treatment)],
        unavailability=unavailable,
    )
    assert after == before
