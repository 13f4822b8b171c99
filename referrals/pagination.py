"""NHS.UK numbered pagination of a list page whose filters are in its query string: the
team's dashboard and the referrer's "Your referrals" both page this way."""

from dataclasses import dataclass


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
