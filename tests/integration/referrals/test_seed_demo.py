import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from imhs.demo import DEMO_USERS
from imhs.models import Role, User
from patients import demo as patients_demo
from patients.ages import age_in_months
from patients.chi import chi_matches_date_of_birth, validate_chi
from patients.models import Carer, GPPractice, Infant, Postcode
from patients.reference_data import health_board_for
from referrals import demo as referrals_demo
from referrals import invitations
from referrals.models import (
    CASE_STATUSES,
    Appointment,
    AppointmentMode,
    DestructionRecord,
    LegalHold,
    NationalCode,
    Referral,
    ReferralEvent,
    RetentionReview,
    Status,
    SubjectAccessRequest,
)
from referrals.reports.extract import MAPPED, build_extract
from referrals.reports.figures import Month, MonthReport
from referrals.reports.trends import trend_tables
from referrals.team.presenters import waiting_times_rows

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    made = (Referral.objects.count(), ReferralEvent.objects.count(), Appointment.objects.count())
    call_command("seed_demo")

    # The second run adds nothing: no referral, event or appointment twice.
    assert made == (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        Appointment.objects.count(),
    )
    assert User.objects.count() == len(DEMO_USERS)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    referrer = User.objects.get(email="health.visitor@example.org")
    assert referrer.check_password(settings.DEMO_PASSWORD)
    # Reference data and families, once each however often it runs.
    assert GPPractice.objects.filter(code__startswith="99").count() == 4
    assert GPPractice.objects.exclude(health_board_code="S08000032").count() == 1
    assert Postcode.objects.filter(postcode__startswith="G33 ").count() == 2
    families = Infant.objects.exclude(family_name=referrals_demo.HISTORY_FAMILY)
    assert families.count() == len(patients_demo.INFANTS)
    # A referral at every step of the pathway, made through the workflow (events and all).
    statuses = dict(
        Referral.objects.exclude(infant__family_name=referrals_demo.HISTORY_FAMILY).values_list(
            "infant__given_name", "status"
        )
    )
    assert statuses == {
        "Isla": "submitted",
        "Rory": "in_review",
        "Eilidh": "information_requested",
        "Callum": "declined",
        "Finn": "accepted",
        "Mia": "accepted",
        "Lewis": "accepted",
        "Orla": "accepted",
        "Hamish": "accepted",
        "Ailsa": "accepted",
        "Euan": "in_treatment",
        "Freya": "closed",
        "Kyle": "closed",
        "Ava": "draft",
    }
    assert set(statuses.values()) == set(Status.values) - {Status.WITHDRAWN}
    assert Referral.objects.get(infant__given_name="Mia").allocated_to is not None
    assert ReferralEvent.objects.filter(referral__infant__given_name="Callum").count() == 3
    twins_mum = Carer.objects.get(given_name="Kirsty")
    assert twins_mum.care_relationships.count() == 2
    # The straddling district is resolved each way by the full-postcode table.
    assert health_board_for("g33 9xa") == "S08000032"
    assert health_board_for("G33 9XB") == "S08000031"
    for infant in Infant.objects.all():
        assert validate_chi(infant.chi_number) == infant.chi_number
        assert chi_matches_date_of_birth(infant.chi_number, infant.date_of_birth)
    output = capsys.readouterr().out
    assert "(0 new, 11 in all)" in output
    assert "Demo referrals ready (0 new)" in output
    assert "health.visitor@example.org" in output


def _clock(given):
    referral = Referral.objects.exclude(infant__family_name=referrals_demo.HISTORY_FAMILY).get(
        infant__given_name=given
    )
    return referral, referral.wait(timezone.localdate())


def test_the_demo_has_a_case_at_every_step_of_the_clock(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    today = timezone.localdate()

    mia, wait = _clock("Mia")  # waiting, allocated, an assessment booked
    assert wait.waiting
    assert mia.appointments.get().purpose == "assessment"
    assert mia.appointments.get().on > today
    finn, wait = _clock("Finn")  # waiting for a team member
    assert (finn.allocated_to, wait.waiting) == (None, True)
    _lewis, wait = _clock("Lewis")  # a missed appointment restarted the clock
    assert wait.clock_start_reason == "did_not_attend"
    _orla, wait = _clock("Orla")  # the family cancelled, then were away
    assert wait.clock_start_reason == "patient_cancelled"
    assert wait.paused_days == 14
    _hamish, wait = _clock("Hamish")  # past the 18 weeks
    assert wait.waiting
    assert wait.breach_on < today
    assert wait.adjusted_weeks > 18
    _ailsa, wait = _clock("Ailsa")  # the 18 weeks run out within 4 weeks
    assert today <= wait.breach_on <= today + datetime.timedelta(weeks=4)
    euan, wait = _clock("Euan")  # in treatment: sessions attended and the next one booked
    assert wait.treatment_started_on is not None
    assert euan.treatment_started_on == wait.treatment_started_on  # kept by the workflow
    assert euan.appointments.filter(attendance="attended", purpose="treatment").count() >= 3
    assert euan.appointments.filter(attendance="booked", on__gt=today).exists()
    freya, wait = _clock("Freya")
    assert (freya.close_reason, wait.waiting) == ("treatment_completed", False)
    kyle, wait = _clock("Kyle")
    assert (kyle.close_reason, wait.waiting) == ("not_brought", True)
    assert kyle.appointments.filter(attendance="did_not_attend").count() == 3
    # Every way of seeing a family appears, and several team members hold cases.
    assert set(Appointment.objects.values_list("mode", flat=True)) == set(AppointmentMode.values)
    caseloads = Referral.objects.filter(status__in=CASE_STATUSES, allocated_to__isnull=False)
    assert caseloads.values("allocated_to").distinct().count() >= 4
    # Each appointment was booked before its day and after acceptance, its outcome on the day
    # or when it was cancelled.
    for appointment in Appointment.objects.select_related("referral"):
        booked_on = timezone.localdate(appointment.booked_at)
        assert timezone.localdate(appointment.referral.decided_at) <= booked_on
        assert booked_on <= max(appointment.on, timezone.localdate())
        if appointment.outcome_at:
            assert timezone.localdate(appointment.outcome_at) == (
                appointment.cancelled_on or appointment.on
            )
    # Every case's clock reads in the team page's words without a gap.
    for referral in Referral.objects.filter(status__in=[*CASE_STATUSES, Status.CLOSED]):
        assert waiting_times_rows(referral, today)


def test_the_demo_fills_every_report_and_chart_for_13_months(settings):
    """The months behind today each have referrals received, decisions, children seen and
    waiting, appointments (some missed) and closures, so the reports show something on `make
    run`; and the national codes are all there but one, which the reports page names."""
    settings.DEBUG = True
    call_command("seed_demo")
    last = Month.of(timezone.localdate()).previous()
    received, seen, waiting = trend_tables(last)
    for month, got, accepted in received.rows:
        assert got > 0, month
        assert accepted > 0, month
    assert all(row[1] > 0 for row in seen.rows[1:]), seen.rows  # the first month: maybe none
    assert all(row[-1] > 0 for row in waiting.rows), waiting.rows
    within = [row[3] for row in seen.rows if row[3] is not None]
    assert min(within) < 90  # below the standard in some month: the chart's line means something
    report = MonthReport.build(last)
    for table in report.tables:
        if table.key in ("parents-views", "overrides"):
            continue  # links and overrides belong to the demo's own families, this month
        assert any(isinstance(v, int) and v > 0 for row in table.rows for v in row[1:]), table.key
    gaps = build_extract(last).gaps
    assert [(gap.column, gap.value) for gap in gaps] == [referrals_demo.UNMAPPED_CODE]
    mapped = sum(len(labels) for _title, labels in MAPPED.values())
    assert NationalCode.objects.count() == mapped - 1


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_prints_a_fresh_parent_link_each_run(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = re.search(r"/views/([\w-]+)/", capsys.readouterr().out).group(1)
    call_command("seed_demo")
    second = re.search(r"/views/([\w-]+)/", capsys.readouterr().out).group(1)

    now = timezone.now()
    assert first != second
    assert invitations.find(second).usable(now)
    assert not invitations.find(first).usable(now)  # the previous demo link was revoked


def test_the_printed_links_follow_the_site_address(settings, capsys):
    """`make run PORT=8123` sets SITE_URL to match; the demo's printed links use it."""
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8123"
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Demo sign-ins at http://127.0.0.1:8123/accounts/login/" in out
    assert re.search(r"secure link \(new each run\): http://127\.0\.0\.1:8123/views/\S+/", out)
    assert ":8000" not in out


def test_the_demo_babies_are_the_same_ages_whenever_the_demo_is_seeded():
    for later in (datetime.date(2027, 3, 1), datetime.date(2031, 2, 28)):
        for _given, _family, born, *_rest in patients_demo.INFANTS:
            then = patients_demo.birthday(born, later)
            assert later - then == patients_demo.AGES_AS_OF - born
            assert age_in_months(then, later) < 36  # still under 3: the demo can refer them


def test_the_demo_shows_the_records_pages_and_a_subject_access_request(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    open_reviews = RetentionReview.objects.filter(status=RetentionReview.State.OPEN)
    assert open_reviews.count() == 2
    held = LegalHold.objects.get(lifted_at__isnull=True)
    assert open_reviews.filter(referral=held.referral).exists()  # on the queue, with its hold
    assert DestructionRecord.objects.count() == 1
    request = SubjectAccessRequest.objects.get()
    assert (request.infant.given_name, request.produced_at) == ("Isla", None)
