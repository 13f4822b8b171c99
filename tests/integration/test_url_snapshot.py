"""A fence for moving code (issue 13): every URL name keeps its route. The snapshot is the list
of "name route" lines in url_snapshot.txt beside this file. A URL added, removed or moved fails
here; if the change is meant, rewrite the file with `UPDATE_URL_SNAPSHOT=1 pytest <this file>`
and let the diff show it in review."""

import os
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

SNAPSHOT = Path(__file__).with_name("url_snapshot.txt")


def routes(patterns, namespaces=(), prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from routes(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            name = ":".join([*namespaces, pattern.name]) if pattern.name else "(unnamed)"
            yield f"{name} {route}"


def test_every_url_name_keeps_its_route():
    current = "\n".join(sorted(routes(get_resolver().url_patterns))) + "\n"
    if os.environ.get("UPDATE_URL_SNAPSHOT"):
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text()
