"""The Django admin: staff access follows the role; users are searchable and never deleted."""

import pytest
from django.core import mail
from django.urls import reverse

from imhs.models import AuditAction, AuditEvent, User
from tests.factories import ReferrerFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_admin_sign_in_goes_through_the_service_sign_in_page(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    login = client.get(response.url)
    assert login.url.startswith(reverse("login"))


def test_referrer_cannot_use_the_admin(client, referrer):
    sign_in(client, referrer)
    response = client.get(reverse("admin:index"))
    # 403, not Django's redirect to the admin's login: ours would send a signed-in person
    # straight back, a loop.
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=referrer).exists()


def test_team_member_reaches_the_admin_but_not_user_management(client, team_member):
    sign_in(client, team_member)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:imhs_user_changelist")).status_code == 403


def test_service_lead_searches_and_filters_users(client, service_lead):
    ReferrerFactory(given_name="Findable", family_name="Visitor")
    TeamMemberFactory(given_name="Other", family_name="Colleague")
    sign_in(client, service_lead)
    url = reverse("admin:imhs_user_changelist")

    found = client.get(url, {"q": "Findable"}).content.decode()
    assert "Findable Visitor" in found
    assert "Other Colleague" not in found

    team_only = client.get(url, {"role__exact": "team_member"}).content.decode()
    assert "Other Colleague" in team_only
    assert "Findable Visitor" not in team_only


def test_service_lead_views_and_changes_are_audited(client, service_lead):
    person = ReferrerFactory()
    sign_in(client, service_lead)
    url = reverse("admin:imhs_user_change", args=[person.pk])

    assert client.get(url).status_code == 200
    view = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (view.actor, view.object_id) == (service_lead, str(person.pk))


def test_users_cannot_be_deleted_from_the_admin(client, service_lead):
    person = ReferrerFactory()
    sign_in(client, service_lead)
    response = client.get(reverse("admin:imhs_user_delete", args=[person.pk]))
    assert response.status_code == 403


def test_audit_trail_is_read_only_in_the_admin(client, service_lead):
    sign_in(client, service_lead)
    assert client.get(reverse("admin:imhs_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:imhs_auditevent_add")).status_code == 403


def test_audit_trail_names_the_kinds_of_record_it_filters_by(client, service_lead):
    """Issue 12 (axe on the admin): sign-in events, about no record, gave the filter a link
    with no text; records are named as the admin names them, not "imhs.user"."""
    sign_in(client, service_lead)
    AuditEvent.objects.create(action=AuditAction.SIGN_IN, actor=service_lead)
    AuditEvent.objects.create(
        action=AuditAction.VIEW, actor=service_lead, object_type="imhs.user", object_id="1"
    )
    url = reverse("admin:imhs_auditevent_changelist")

    page = client.get(url).content.decode()

    assert '<a href="?object_type=">No record</a>' in page
    assert '<a href="?object_type=imhs.user">User</a>' in page
    assert ">imhs.user<" not in page
    signing_in = client.get(url, {"object_type": ""}).context["cl"].result_list
    assert {event.action for event in signing_in} == {AuditAction.SIGN_IN}


def test_new_user_from_the_admin_can_set_a_password_by_reset(
    client, service_lead, django_capture_on_commit_callbacks
):
    sign_in(client, service_lead)
    response = client.post(
        reverse("admin:imhs_user_add"),
        {
            "email": "New.Starter@example.org",
            "given_name": "New",
            "family_name": "Starter",
            "role": "referrer",
            "profession": "family_nurse",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.starter@example.org")
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(user.pk)).exists()

    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "new.starter@example.org"})
    assert mail.outbox[0].to == ["new.starter@example.org"]
