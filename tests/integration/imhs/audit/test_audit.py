"""The audit trail: one way in, and nothing out — PostgreSQL refuses UPDATE and DELETE."""

import json
import logging

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


def refusal(operation):
    # The tests run as the app role, which has no UPDATE or DELETE on the table: PostgreSQL
    # refuses before the trigger runs. With one role (no DATABASE_OWNER_URL) the trigger refuses.
    # The owner meets the trigger: tests/integration/imhs/test_database_roles.py.
    return rf"permission denied for table imhs_auditevent|append-only: {operation}"


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

    with pytest.raises(REFUSED, match=refusal("UPDATE")), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)

    event.refresh_from_db()
    assert event.action == AuditAction.VIEW


def test_delete_of_an_audit_event_is_refused_by_postgresql():
    event = AuditEventFactory()

    with pytest.raises(REFUSED, match=refusal("DELETE")), transaction.atomic():
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


@pytest.fixture
def audit_log(caplog):
    """What the imhs.audit logger writes. It does not propagate to the root logger, where caplog
    listens (the lines go to their own handler), so caplog's handler is added to it here."""
    logger = logging.getLogger("imhs.audit")
    logger.addHandler(caplog.handler)
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "imhs.audit"]
    logger.removeHandler(caplog.handler)


def test_every_event_is_logged_as_one_json_line_without_personal_data(
    audit_log, team_member, django_capture_on_commit_callbacks
):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.44")

    with django_capture_on_commit_callbacks(execute=True):
        event = audit.record(
            AuditAction.VIEW, by=team_member, obj=team_member, request=request, detail={"q": "x"}
        )

    [line] = audit_log()
    assert "\n" not in line
    assert json.loads(line) == {
        "event": "audit",
        "id": event.pk,
        "at": event.at.isoformat(),
        "action": "view",
        "actor_id": team_member.pk,
        "object_type": "imhs.user",
        "object_id": str(team_member.pk),
        "request_id": None,  # recorded outside a request answered by the site
    }
    for personal in ("192.0.2.44", team_member.email, team_member.family_name, '"q"'):
        assert personal not in line


def test_an_event_rolled_back_is_not_logged(audit_log, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit.record(AuditAction.SIGN_IN_FAILED, request=RequestFactory().get("/"))
        transaction.set_rollback(True)

    assert audit_log() == []


def test_the_audit_logger_has_its_own_handler_in_settings():
    logger = logging.getLogger("imhs.audit")

    assert logger.propagate is False
    # Just the JSON, one line per event (pytest adds its own capturing handlers beside it).
    assert "%(message)s" in [handler.formatter._fmt for handler in logger.handlers]
