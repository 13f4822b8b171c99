import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from imhs.demo import DEMO_USERS
from imhs.models import Role, User
from patients.chi import chi_matches_date_of_birth, validate_chi
from patients.models import Carer, GPPractice, Infant, Postcode
from patients.reference_data import health_board_for
from referrals import invitations
from referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    assert User.objects.count() == len(DEMO_USERS)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    referrer = User.objects.get(email="health.visitor@example.org")
    assert referrer.check_password(settings.DEMO_PASSWORD)
    # Reference data and families, once each however often it runs.
    assert GPPractice.objects.filter(code__startswith="99").count() == 4
    assert GPPractice.objects.exclude(health_board_code="S08000032").count() == 1
    assert Postcode.objects.filter(postcode__startswith="G33 ").count() == 2
    assert Infant.objects.count() == 7
    # A referral in each of the team's queues, made through the workflow (events and all).
    statuses = dict(Referral.objects.values_list("infant__given_name", "status"))
    assert statuses == {
        "Isla": "submitted",
        "Rory": "in_review",
        "Eilidh": "information_requested",
        "Callum": "declined",
        "Finn": "accepted",
        "Mia": "accepted",
        "Ava": "draft",
    }
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
    assert "health.visitor@example.org" in output


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
