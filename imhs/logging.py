"""Logging filters and the request log line. Parents' secure links carry their key in the path
(/views/<token>/): no log line may hold it, so the path segment is replaced before any handler
sees the record, and the request line withholds it from the start."""

import contextvars
import json
import logging
import re

PARENT_LINK = re.compile(r"/views/[A-Za-z0-9_-]{16,}")
REDACTED = "/views/[link withheld]"


class RedactParentLinks(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        if PARENT_LINK.search(message):
            record.msg = PARENT_LINK.sub(REDACTED, message)
            record.args = ()
        return True


# --- One line per request (imhs.middleware.RequestLogMiddleware) ----------------------------

# The request being answered, so other log lines (the audit trail's) can name it. A context
# variable, not a thread-local: right under threads and async alike.
_request_id = contextvars.ContextVar("request_id", default=None)

# URL arguments that are secrets: the parents' link and the password-reset link carry them.
SECRET_URL_ARGUMENTS = ("token",)


def current_request_id():
    """The id of the request being answered in this context, or None (a task, a command)."""
    return _request_id.get()


def start_request(request_id):
    return _request_id.set(request_id)


def end_request(marker):
    _request_id.reset(marker)


def loggable_path(request):
    """The request's path without secrets: each secret URL argument becomes "[name]"
    (/views/<token>/ -> /views/[token]/). Never the query string."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_URL_ARGUMENTS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(f"/{value}/", f"/[{name}]/")
    return PARENT_LINK.sub("/views/[token]", path)


def json_line(event, **fields):
    """One log line for a log shipper: a JSON object naming its event (requests, tasks)."""
    return json.dumps({"event": event, **fields}, sort_keys=True, default=str)


def request_line(fields, log_format):
    """The request's log line: one JSON object, or words for a person reading a terminal."""
    if log_format == "json":
        return json_line("request", **fields)
    return (
        "{method} {path} {status} {duration_ms}ms request_id={request_id} user_id={user_id}"
    ).format(**fields)
