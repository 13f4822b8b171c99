"""`make bench-dashboard` reaches "All" page 2 and the last page by the page's own links: the
numbered pagination's (next, and the highest page number) and a keyset pagination's ("Next",
"Last page"), never another link that happens to say "last"."""

from bench.dashboard import link

NUMBERED = """
<a href="/team/referrals/IMH-2026-00001/">Last changed</a>
<a href="?queue=all&amp;page=2" class="nhsuk-pagination__next" rel="next"><span>Next</span></a>
<a class="nhsuk-pagination__link" href="?queue=all&amp;page=1" aria-label="Page 1">1</a>
<a class="nhsuk-pagination__link" href="?queue=all&amp;page=40" aria-label="Page 40">40</a>
"""
KEYSET = """
<a href="/team/referrals/IMH-2026-00001/">Last changed</a>
<a class="nhsuk-pagination__link" href="?queue=all&amp;after=k1">Next <span>page</span></a>
<a class="nhsuk-pagination__link" href="?queue=all&amp;last=1">Last page</a>
"""


def test_the_numbered_paginations_next_and_highest_page():
    assert link(NUMBERED, "next") == "?queue=all&page=2"
    assert link(NUMBERED, "last") == "?queue=all&page=40"


def test_a_keyset_paginations_next_and_last_links():
    assert link(KEYSET, "next") == "?queue=all&after=k1"
    assert link(KEYSET, "last") == "?queue=all&last=1"


def test_a_page_without_pagination_has_neither():
    assert link('<a href="/team/referrals/X/">Last changed</a>', "last") is None
    assert link("<p>No referrals</p>", "next") is None
