"""The audit trail: `record(...)` is the one way to write an AuditEvent.

What goes in `detail` is small and never clinical or personal beyond what identifies the
record: no names, no form contents, no passwords, no tokens.

Every event is also logged to the `imhs.audit` logger as one JSON line, once its transaction
commits, so a copy can leave the database (a log shipper, a SIEM; settings.LOGGING). The line
holds only ids (the request's among them), the action and the time: not the IP address nor
`detail`.

The package also holds the service lead's export of the trail (export.py, views.py) and the one
CSV writer every export goes through (csv_export.py).
"""

import json
import logging

from axes.helpers import get_client_ip_address
from django.db import transaction

from imhs.logging import current_request_id
from imhs.models import AuditEvent


def record(action, *, by=None, obj=None, object_type="", object_id="", request=None, detail=None):
    """Append an audit event.

    `by` is the acting user (None for anonymous). `obj` is a model instance the action concerns;
    or give `object_type` / `object_id` for something that is not one (a failed lookup, say).
    `request` supplies the client IP (through the trusted-proxy rules in settings).
    """
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    if by is not None and not by.is_authenticated:
        by = None
    event = AuditEvent.objects.create(
        action=action,
        actor=by,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=get_client_ip_address(request) if request is not None else None,
        detail=detail or {},
    )
    line = log_line(event)
    # On commit: the log says what the database kept (an event rolled back never happened).
    transaction.on_commit(lambda: logger.info(line), robust=True)
    return event


logger = logging.getLogger("imhs.audit")


def log_line(event):
    """The event as one JSON line, without personal data."""
    return json.dumps(
        {
            "event": "audit",
            "id": event.pk,
            "at": event.at.isoformat(),
            "action": event.action,
            "actor_id": event.actor_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            # The request that made it (its X-Request-ID and request log line), if any.
            "request_id": current_request_id(),
        },
        sort_keys=True,
    )
