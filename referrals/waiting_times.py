"""Waiting times: Scotland's CAMHS standard, treatment within 18 weeks of referral, and the
local measure, a first appointment within 4 weeks of acceptance.

The one place waits are computed: every page, the admin and the reports call
`referral_to_treatment` (through `Referral.wait`) and `first_appointment`. Pure: dates in, dates
and numbers out, no database; the pages put them in words.
"""

import datetime
from dataclasses import dataclass

TREATMENT_WEEKS = 18
FIRST_APPOINTMENT_WEEKS = 4


def first_appointment_due_on(accepted_on):
    """The last day for a first appointment within 4 weeks of acceptance."""
    return accepted_on + datetime.timedelta(weeks=FIRST_APPOINTMENT_WEEKS)


@dataclass(frozen=True)
class FirstAppointment:
    """The local 4-week measure: a first appointment of any kind, attended, within 4 weeks of
    acceptance. `met` is None while it is still possible (none yet, and the 4 weeks not over)."""

    due_on: datetime.date
    attended_on: datetime.date | None
    met: bool | None


def first_appointment(*, accepted_on, today, appointments=()):
    due_on = first_appointment_due_on(accepted_on)
    attended = sorted(a.on for a in appointments if a.attendance == "attended")
    attended_on = attended[0] if attended else None
    if attended_on is not None:
        return FirstAppointment(due_on, attended_on, attended_on <= due_on)
    return FirstAppointment(due_on, None, False if today > due_on else None)


# --- The referral-to-treatment clock (Public Health Scotland's CAMHS adjustment) -------------
#
# The national measure: how long a child waited from referral to the start of treatment, less
# the time the family could not come, restarted when the family missed or cancelled. The rules,
# in the order `referral_to_treatment` applies them:
#
# - Treatment starts at the earliest attended appointment that counts as treatment; the wait
#   ends then or, while still waiting, today.
# - Clock resets: an appointment on or before the wait end that the family did not attend or
#   could not wait for resets the clock to its date; one the family cancelled resets it to the
#   day they cancelled (its own date if that was not recorded). The service's cancellations
#   never reset it. Resets are taken in date order; each applies only while the days since the
#   previous clock start, less the days of unavailability in between, are fewer than 126 (18
#   weeks): the first that does not apply ends the chain.
# - Pauses: unavailability that starts on or after the clock start (a period running over the
#   clock start counts from it), no later than clock start + 126 days and before the wait end,
#   pauses the clock for its days, cut at the day before the wait end. A day two periods share
#   pauses the clock once.

ATTENDANCES = (
    "booked",
    "attended",
    "clinic_cancelled",
    "patient_cancelled",
    "could_not_wait",
    "did_not_attend",
    "not_known",
)
MISSED = {"did_not_attend", "could_not_wait"}  # reset the clock to the appointment's date
FAMILY_CANCELLED = "patient_cancelled"  # resets it to the day the family cancelled
CLOCK_DAYS = TREATMENT_WEEKS * 7  # 126

# (band, the most adjusted weeks in it); the last band has no upper limit.
BANDS = (("0-18", 18), ("19-35", 35), ("36-52", 52), ("over-52", None))


@dataclass(frozen=True)
class Appointment:
    on: datetime.date
    treatment: bool
    attendance: str
    cancelled_on: datetime.date | None = None

    def __post_init__(self):
        if self.attendance not in ATTENDANCES:
            raise ValueError(f"Unknown attendance {self.attendance!r}: one of {ATTENDANCES}.")


@dataclass(frozen=True)
class Unavailability:
    """Days the family said they could not attend: `start` and `end` both included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("An unavailability period cannot end before it starts.")


@dataclass(frozen=True)
class Wait:
    received_on: datetime.date
    treatment_started_on: datetime.date | None  # None while still waiting
    wait_end: datetime.date  # treatment_started_on, or today
    clock_start: datetime.date
    clock_start_reason: str  # "received", or what reset it: "did_not_attend", ...
    unadjusted_days: int
    adjusted_days: int
    paused_days: int
    adjusted_weeks: int
    band: str
    breach_on: datetime.date

    @property
    def waiting(self):
        return self.treatment_started_on is None

    @property
    def unadjusted_weeks(self):
        return _weeks(self.unadjusted_days)


def _weeks(days):
    return -(-days // 7)  # rounded up: day 1 of a wait is in week 1


def band_for(adjusted_weeks):
    for band, most in BANDS:
        if most is None or adjusted_weeks <= most:
            return band
    raise AssertionError("unreachable: the last band has no limit")


def _days(period_start, period_end, unavailability):
    """The days from `period_start` up to (not including) `period_end` on which the family was
    unavailable: each day once, however many periods name it."""
    days = set()
    for period in unavailability:
        first = max(period.start, period_start)
        last = min(period.end, period_end - datetime.timedelta(days=1))
        days.update(first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
    return days


def _resets(appointments, wait_end):
    """(date, reason) of every event that may reset the clock, in date order."""
    resets = []
    for appointment in appointments:
        if appointment.on > wait_end:
            continue
        if appointment.attendance in MISSED:
            resets.append((appointment.on, appointment.attendance))
        elif appointment.attendance == FAMILY_CANCELLED:
            resets.append((appointment.cancelled_on or appointment.on, FAMILY_CANCELLED))
    # A cancellation recorded as made after the wait ended cannot restart it.
    return sorted(reset for reset in resets if reset[0] <= wait_end)


def referral_to_treatment(*, received_on, today, appointments=(), unavailability=()):
    """The referral-to-treatment wait, adjusted as the national measure adjusts it (the rules
    are above). Pure: dates in, a `Wait` out."""
    attended = [a.on for a in appointments if a.attendance == "attended" and a.treatment]
    treatment_started_on = min(attended) if attended else None
    wait_end = treatment_started_on or today

    clock_start, reason = received_on, "received"
    for reset_on, why in _resets(appointments, wait_end):
        if reset_on < clock_start:
            continue  # before the clock's start: it cannot move the clock back
        days = (reset_on - clock_start).days - len(_days(clock_start, reset_on, unavailability))
        if days >= CLOCK_DAYS:
            break  # 18 weeks had passed: the chain of resets ends here
        clock_start, reason = reset_on, why

    latest_pause_start = clock_start + datetime.timedelta(days=CLOCK_DAYS)
    pausing = [
        period
        for period in unavailability
        if period.end >= clock_start and max(period.start, clock_start) <= latest_pause_start
    ]
    paused_days = len(_days(clock_start, wait_end, pausing))
    adjusted_days = (wait_end - clock_start).days - paused_days
    adjusted_weeks = _weeks(adjusted_days)
    return Wait(
        received_on=received_on,
        treatment_started_on=treatment_started_on,
        wait_end=wait_end,
        clock_start=clock_start,
        clock_start_reason=reason,
        unadjusted_days=(wait_end - received_on).days,
        adjusted_days=adjusted_days,
        paused_days=paused_days,
        adjusted_weeks=adjusted_weeks,
        band=band_for(adjusted_weeks),
        breach_on=clock_start + datetime.timedelta(days=CLOCK_DAYS + paused_days),
    )
