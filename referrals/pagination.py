"""Pagination of a list page whose filters are in its query string.

Two kinds. Numbered pages (`pagination`, over Django's Paginator: OFFSET) where a list stays
small: the referrer's "Your referrals" (one referrer's own referrals) and the waiting list (the
open cases, paged in Python). Keyset pages (`keyset_page`, `keyset_pagination`) where a list
grows for ever, the team's dashboard: a page is the rows after (or before) the key of a row
shown on the page before, read from an index in the list's order, so the last page costs what
the first does (no OFFSET: an OFFSET reads every row it skips).
"""

import re
from dataclasses import dataclass

from django.db.models import F, Field, Func, Subquery, Value
from django.db.models.lookups import GreaterThan, LessThan


def query_with(params, **changes):
    """`params` (a QueryDict) with `changes` applied (None removes a key), as "?a=1&b=2"."""
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@dataclass(frozen=True)
class PageLink:
    number: int | None
    href: str
    current: bool = False
    ellipsis: bool = False


@dataclass(frozen=True)
class Pagination:
    previous: str
    next: str
    pages: list


def pagination(page, params):
    """NHS.UK numbered pagination for `page`, keeping the filters; None for a single page."""
    if page.paginator.num_pages < 2:
        return None
    pages = [
        PageLink(number=None, href="", ellipsis=True)
        if number == page.paginator.ELLIPSIS
        else PageLink(
            number=number,
            href=query_with(params, page=str(number)),
            current=number == page.number,
        )
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
    return Pagination(
        previous=query_with(params, page=str(page.previous_page_number()))
        if page.has_previous()
        else "",
        next=query_with(params, page=str(page.next_page_number())) if page.has_next() else "",
        pages=pages,
    )


# --- keyset pages ---------------------------------------------------------------------------

# The GET parameters of a keyset page: after or before a row's key, or the last page; `at` is
# where the page's first row is in the list (1 is the first), carried by the links because
# counting the rows before a key would read them all. Anything else is the first page.
AFTER, BEFORE, LAST, AT = "after", "before", "last", "at"
KEYSET_PARAMS = (AFTER, BEFORE, LAST, AT)
_POSITION = re.compile(r"[1-9][0-9]{0,8}")


@dataclass(frozen=True)
class Cursor:
    """Where a keyset page is: after or before the row with key `key`, the last page, or
    (neither) the first; `at` is its first row's position, when the link knew it."""

    after: str = ""
    before: str = ""
    last: bool = False
    at: int | None = None


def cursor_from(params, key_pattern):
    """The cursor in `params` (a QueryDict); the first page's for anything not valid (a key not
    matching `key_pattern`, two directions at once, a position that is not a number)."""
    after, before = params.get(AFTER, ""), params.get(BEFORE, "")
    last = params.get(LAST) == "1"
    at = params.get(AT, "")
    position = int(at) if _POSITION.fullmatch(at) else None
    if sum(map(bool, (after, before, last))) != 1:
        return Cursor()
    key = after or before
    if key and not key_pattern.fullmatch(key):
        return Cursor()
    return Cursor(after=after, before=before, last=last, at=position)


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    size: int  # a whole page's rows
    cursor: Cursor
    has_previous: bool
    has_next: bool
    start: int | None  # the first row's position in the list (1-based), when known


def _beyond(queryset, ordering, key, value, *, forwards):
    """The rows of `queryset` after (or before) the row whose `key` is `value`, in `ordering`:
    one row comparison, (a, b) > (a of that row, b), which an index on (a, b) serves as a
    range. The row's other values come from a subquery, so a link names only its key."""
    fields = [name.lstrip("-") for name in ordering]
    descending = ordering[0].startswith("-")
    anchor = queryset.model._base_manager.filter(**{key: value})
    theirs = [Value(value) if name == key else Subquery(anchor.values(name)[:1]) for name in fields]
    ours = Func(*[F(name) for name in fields], function="ROW", output_field=Field())
    row = Func(*theirs, function="ROW", output_field=Field())
    compare = GreaterThan if forwards != descending else LessThan
    return queryset.filter(compare(ours, row))


def _reversed(ordering):
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]


def _read(queryset, ordering, size, decorate):
    """The first size + 1 rows of `queryset` in `ordering`. With `decorate` (what a row shows:
    joins, subqueries), in two steps of one query: the keys of the page from the list's own
    index, then `decorate(keys)`, the rows of those keys with what they show, so a join or a
    subquery runs for the page's rows only, never for every row the list matched before its
    LIMIT."""
    if decorate is None:
        return list(queryset.order_by(*ordering)[: size + 1])
    keys = queryset.order_by(*ordering).values("pk")[: size + 1]
    return list(decorate(keys).order_by(*ordering))


def keyset_page(queryset, *, ordering, key, cursor, size, total=None, decorate=None):
    """The page of `queryset` at `cursor`, in `ordering` (fields all one way, ending with the
    unique `key`): one query for its rows and whether there are more (size + 1 read), read by
    `decorate` if given (a function of the page's keys, a subquery, answering a queryset).
    `total`, when exact, places the last page.
    A key no longer in the table (the referral was destroyed) gives the first page: a second
    query, that once."""
    if cursor.last or cursor.before:
        backwards = queryset
        if cursor.before:
            backwards = _beyond(backwards, ordering, key, cursor.before, forwards=False)
        rows = _read(backwards, _reversed(ordering), size, decorate)
        more = len(rows) > size
        rows = rows[:size][::-1]
        if cursor.last:
            # The count and the rows are two reads: a referral sent between them may not be
            # counted, so never place the page before the first row.
            start = max(total - len(rows) + 1, 1) if total is not None else None
            return KeysetPage(rows, size, cursor, more, False, start if more else 1)
        if rows:
            start = 1 if not more else cursor.at
            return KeysetPage(rows, size, cursor, more, True, start)
    else:
        forwards = queryset
        if cursor.after:
            forwards = _beyond(forwards, ordering, key, cursor.after, forwards=True)
        rows = _read(forwards, ordering, size, decorate)
        if rows or not cursor.after:
            start = cursor.at if cursor.after else 1
            return KeysetPage(
                rows[:size], size, cursor, bool(cursor.after), len(rows) > size, start
            )
    return keyset_page(
        queryset, ordering=ordering, key=key, cursor=Cursor(), size=size, decorate=decorate
    )


@dataclass(frozen=True)
class KeysetLinks:
    first: str
    previous: str
    next: str
    last: str


def keyset_pagination(page, params, key_of):
    """First, previous, next and last links for `page` (a KeysetPage), keeping the filters in
    `params`; `key_of(row)` is a row's key. None when the list fits on one page."""
    if not (page.has_previous or page.has_next):
        return None
    plain = dict.fromkeys(KEYSET_PARAMS)
    previous = next_ = ""
    if page.has_previous:
        at = page.start - page.size if page.start and page.start > page.size else None
        previous = query_with(params, **{**plain, BEFORE: key_of(page.rows[0]), AT: at and str(at)})
    if page.has_next:
        at = page.start + len(page.rows) if page.start else None
        next_ = query_with(params, **{**plain, AFTER: key_of(page.rows[-1]), AT: at and str(at)})
    return KeysetLinks(
        first=query_with(params, **plain) if page.has_previous else "",
        previous=previous,
        next=next_,
        last=query_with(params, **{**plain, LAST: "1"}) if page.has_next else "",
    )
