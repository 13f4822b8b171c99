"""The audit trail: one way in, and nothing out — PostgreSQL refuses UPDATE and DELETE."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import InternalError, ProgrammingError
from django.test import RequestFactory

from imhs import audit
from imhs.models import AuditAction, AuditEvent
from tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

# The trigger raises insufficient_privilege; psycopg2 reports it as ProgrammingError.
REFUSED = (ProgrammingError, InternalError)


def test_record_writes_actor_object_ip_and_detail(team_member):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44")

    event = audit.record(
        AuditAction.VIEW, by=team_member, obj=team_member, request=request, detail={"tab": "x"}
    )

    event.refresh_from_db()
    assert event.actor == team_member
    assert event.action == "view"
    assert (event.object_type, event.object_id) == ("imhs.user", str(team_member.pk))
    assert event.ip_address == "192.0.2.44"
    assert event.detail == {"tab": "x"}
    assert event.at.utcoffset().total_seconds() == 0


def test_record_for_anonymous_has_no_actor():
    request = RequestFactory().get("/")
    event = audit.record(AuditAction.SIGN_IN_FAILED, by=AnonymousUser(), request=request)

    assert event.actor is None
    assert event.ip_address == "127.0.0.1"


def test_record_takes_client_ip_from_trusted_proxy_only(settings, team_member):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # The client claims 203.0.113.9; our one proxy appended the address it really saw.
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2"
    )

    event = audit.record(AuditAction.VIEW, by=team_member, request=request)

    assert event.ip_address == "198.51.100.7"


def test_update_of_an_audit_event_is_refused_by_postgresql():
    event = AuditEventFactory()

    with pytest.raises(REFUSED, match="append-only: UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)

    event.refresh_from_db()
    assert event.action == AuditAction.VIEW


def test_delete_of_an_audit_event_is_refused_by_postgresql():
    event = AuditEventFactory()

    with pytest.raises(REFUSED, match="append-only: DELETE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused_too():
    event = AuditEventFactory()

    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE imhs_auditevent SET detail = '{}' WHERE id = %s", [event.pk])


def test_deleting_a_user_with_audit_events_is_prevented():
    event = AuditEventFactory()

    with pytest.raises(ProtectedError):
        event.actor.delete()
