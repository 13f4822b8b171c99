import pytest
from django.core.management import CommandError, call_command

from imhs.demo import DEMO_USERS
from imhs.models import Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    assert User.objects.count() == len(DEMO_USERS)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    referrer = User.objects.get(email="health.visitor@example.org")
    assert referrer.check_password(settings.DEMO_PASSWORD)
    output = capsys.readouterr().out
    assert "(0 new, 11 in all)" in output
    assert "health.visitor@example.org" in output


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()
