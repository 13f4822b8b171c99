"""Logging filters. Parents' secure links carry their key in the path (/views/<token>/): no
log line may hold it, so the path segment is replaced before any handler sees the record."""

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
