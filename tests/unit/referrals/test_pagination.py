from django.core.paginator import Paginator
from django.http import QueryDict

from referrals.pagination import pagination


def test_pagination_elides_pages_and_keeps_the_filters():
    page = Paginator(range(25 * 20), 25).get_page(10)
    links = pagination(page, QueryDict("q=Example&page=10"))
    numbers = [link.number for link in links.pages]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert links.previous == "?q=Example&page=9"
    assert links.next == "?q=Example&page=11"
    assert [link.number for link in links.pages if link.current] == [10]


def test_a_single_page_needs_no_pagination():
    assert pagination(Paginator(range(3), 25).get_page(1), QueryDict()) is None
