"""Keyset pages' parameters and links (referrals.pagination): no database."""

import re

import pytest
from django.http import QueryDict

from referrals.pagination import Cursor, KeysetPage, cursor_from, keyset_pagination

KEY = re.compile(r"IMH-[0-9]{4}-[0-9]{5,}")


@pytest.mark.parametrize(
    ("query", "cursor"),
    [
        ("", Cursor()),
        ("after=IMH-2026-00042&at=26", Cursor(after="IMH-2026-00042", at=26)),
        ("before=IMH-2026-00042", Cursor(before="IMH-2026-00042")),
        ("last=1", Cursor(last=True)),
        ("after=IMH-2026-00042&at=0", Cursor(after="IMH-2026-00042")),  # no position
        ("after=IMH-2026-00042&at=99999999999", Cursor(after="IMH-2026-00042")),
        ("after=not-a-key", Cursor()),
        ("after=IMH-2026-00042&before=IMH-2026-00043", Cursor()),
        ("after=IMH-2026-00042&last=1", Cursor()),
        ("last=true", Cursor()),
        ("at=26", Cursor()),
    ],
)
def test_a_cursor_is_read_or_is_the_first_page(query, cursor):
    assert cursor_from(QueryDict(query), KEY) == cursor


class Row:
    def __init__(self, key):
        self.key = key


def page(keys, start, *, previous, more, **cursor):
    return KeysetPage(
        rows=[Row(key) for key in keys],
        size=3,
        cursor=Cursor(**cursor),
        has_previous=previous,
        has_next=more,
        start=start,
    )


def links(keyset_page, query="queue=all&priority=urgent"):
    return keyset_pagination(keyset_page, QueryDict(query), lambda row: row.key)


def test_the_first_page_links_to_the_next_and_the_last_keeping_the_filters():
    found = links(page(["a", "b", "c"], 1, previous=False, more=True))
    assert (found.first, found.previous) == ("", "")
    assert found.next == "?queue=all&priority=urgent&after=c&at=4"
    assert found.last == "?queue=all&priority=urgent&last=1"


def test_a_middle_page_links_every_way_and_drops_its_own_cursor():
    found = links(
        page(["d", "e", "f"], 4, previous=True, more=True, after="c"),
        "queue=all&after=c&at=4",
    )
    assert found.first == "?queue=all"
    assert found.previous == "?queue=all&before=d&at=1"
    assert found.next == "?queue=all&after=f&at=7"
    assert found.last == "?queue=all&last=1"


def test_a_page_whose_place_is_not_known_links_without_one():
    found = links(page(["x", "y", "z"], None, previous=True, more=True, before="w"))
    assert found.previous == "?queue=all&priority=urgent&before=x"
    assert found.next == "?queue=all&priority=urgent&after=z"


def test_a_single_page_needs_no_links():
    assert links(page(["a"], 1, previous=False, more=False)) is None
