"""The security headers on every page of the site, as seen by someone allowed to see it.

Every named URL that answers 200 to someone in the authorization matrix is fetched as that
person (the first with 200 in the order of VIEWER_ORDER), plus the pages reached another way
(`OTHER_PAGES`). Each response must carry a Content-Security-Policy that forbids framing,
plugins and `<base>` and allows no inline script or style, `X-Content-Type-Options: nosniff`
and a `Referrer-Policy`; and every page that shows personal data must not be stored by the
browser or a proxy (`Cache-Control: no-store`), which has its own tests below.
"""

import re

import pytest
from django.urls import reverse

from patients.models import Relationship
from tests.factories import CareRelationshipFactory
from tests.integration.test_authorization_matrix import GET_TABLE
from tests.integration.url_catalogue import (
    ACTORS,
    ANONYMOUS,
    OTHER_REFERRER,
    OWNER,
    PARENT,
    SERVICE_LEAD,
    TEAM_MEMBER,
    build_world,
    set_password_url,
)

pytestmark = pytest.mark.django_db

# Who fetches a page: the first of these the matrix lets see it.
VIEWER_ORDER = (ANONYMOUS, OWNER, TEAM_MEMBER, SERVICE_LEAD, PARENT, OTHER_REFERRER)

# Pages with nothing personal on them, as an anonymous visitor sees them: these may be cached.
# (Signed in, the header names the person, so the same pages are checked for no-store then.)
NO_STORE_EXEMPT = {
    "start",
    "accessibility",
    "privacy",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
}
PUBLIC_PAGES_SIGNED_IN = sorted(NO_STORE_EXEMPT - {"login"})  # login redirects when signed in

# Pages no GET of the matrix answers with 200, reached as their users reach them.
OTHER_PAGES = [
    "parents:check",  # after saving views to send
    "parents:sent",  # after sending the views
    "password_reset_confirm",  # the token-free page a valid link redirects to
    "referrals:team_reassess",  # POST: today's eligibility (a GET shows the page as stored)
    "referrals:team_invite",  # POST: the new secure link, shown once
]


def viewer(name):
    row = GET_TABLE[name]
    return next((actor for actor in VIEWER_ORDER if row[ACTORS.index(actor)] == 200), None)


def pages_for(actor):
    return sorted(name for name in GET_TABLE if viewer(name) == actor)


@pytest.fixture
def world():
    return build_world()


def fetch(world, actor, names):
    client = world.client(actor)
    responses = []
    for name in names:
        url = world.url(name)
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}) as {actor}: {response.status_code}"
        responses.append((name, response))
    return responses


def fetch_other_pages(world):
    """(name, response) for each of OTHER_PAGES."""
    team = world.client(TEAM_MEMBER)
    reassess = team.post(world.url("referrals:team_reassess"))
    # The parent sends their views, then sees what happens next.
    parent = world.client(PARENT)
    checking = parent.post(
        reverse("parents:views"), {"going_well": "Synthetic words.", "check": ""}
    )
    assert checking.status_code == 302, "the parent's views were not saved"
    check = parent.get(checking["Location"])
    version = re.search(r'name="version" value="([^"]+)"', check.content.decode()).group(1)
    sent = parent.post(checking["Location"], {"version": version, "send": ""})
    assert sent.status_code == 302, "the parent's views were not sent"
    # A second carer of the baby, who has no link yet: the team makes one.
    second = CareRelationshipFactory(
        infant=world.submitted.infant, relationship=Relationship.FATHER, is_main_carer=False
    )
    invite = team.post(world.url("referrals:team_invite"), {"carer": second.carer.pk})
    # A valid password reset link, and the page it leads to.
    reset = world.client(ANONYMOUS)
    assert reset.get(world.url("password_reset_confirm")).status_code == 302
    pages = [
        ("parents:check", check),
        ("parents:sent", parent.get(sent["Location"])),
        ("password_reset_confirm", reset.get(set_password_url(world))),
        ("referrals:team_reassess", reassess),
        ("referrals:team_invite", invite),
    ]
    for name, response in pages:
        assert response.status_code == 200, f"{name}: {response.status_code}"
    return pages


def header_problems(name, response):
    problems = []
    csp = response.get("Content-Security-Policy", "")
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        if directive not in csp:
            problems.append(f"{name}: no {directive} in the CSP {csp!r}")
    if "unsafe-inline" in csp:
        problems.append(f"{name}: 'unsafe-inline' in the CSP")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{name}: no X-Content-Type-Options: nosniff")
    if not response.get("Referrer-Policy"):
        problems.append(f"{name}: no Referrer-Policy")
    return problems


def no_store_problems(name, response):
    if "no-store" in response.get("Cache-Control", ""):
        return []
    return [f"{name}: Cache-Control {response.get('Cache-Control')!r}, without no-store"]


def test_every_page_has_a_viewer():
    """Every URL is fetched by someone, or is not a page (no 200 for anyone, by GET)."""
    fetched = {name for name in GET_TABLE if viewer(name)} | set(OTHER_PAGES)
    assert "admin:index" in fetched
    assert {"parents:views", "referrals:team_referral", "referrals:detail"} <= fetched
    # A POST URL whose GET is a page too (a reload; issue 12 point 10) is checked both ways.
    answered_by_get_too = {"referrals:team_reassess"}
    assert not (set(OTHER_PAGES) - answered_by_get_too) & {
        name for name in GET_TABLE if viewer(name)
    }


@pytest.mark.parametrize("actor", VIEWER_ORDER)
def test_security_headers(world, actor):
    problems = []
    for name, response in fetch(world, actor, pages_for(actor)):
        problems += header_problems(name, response)
    assert problems == [], "\n".join(problems)


def test_security_headers_on_pages_reached_another_way(world):
    problems = []
    for name, response in fetch_other_pages(world):
        problems += header_problems(name, response)
    assert problems == [], "\n".join(problems)


def test_parent_pages_send_no_referrer(world):
    for name, response in fetch(world, PARENT, ["parents:views"]):
        assert response["Referrer-Policy"] == "no-referrer", name


# --- Cache-Control: no-store --------------------------------------------------------------


@pytest.mark.parametrize("actor", VIEWER_ORDER)
def test_pages_with_personal_data_are_not_stored(world, actor):
    names = [name for name in pages_for(actor) if name not in NO_STORE_EXEMPT]
    problems = []
    for name, response in fetch(world, actor, names):
        problems += no_store_problems(name, response)
    assert problems == [], "\n".join(problems)


def test_pages_reached_another_way_are_not_stored(world):
    problems = []
    for name, response in fetch_other_pages(world):
        problems += no_store_problems(name, response)
    assert problems == [], "\n".join(problems)


def test_public_pages_are_not_stored_for_a_signed_in_person(world):
    """The header names whoever is signed in, so their copy of a public page is personal."""
    problems = []
    for name, response in fetch(world, OWNER, PUBLIC_PAGES_SIGNED_IN):
        problems += no_store_problems(name, response)
    assert problems == [], "\n".join(problems)


def test_exemptions_are_public_pages():
    """Only pages everybody may see can be exempt from no-store."""
    for name in NO_STORE_EXEMPT:
        assert viewer(name) == ANONYMOUS, name


# --- Django's own answers (issue 12, point 7) -----------------------------------------------


def every_header_problem(name, response):
    problems = header_problems(name, response)
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{name}: no X-Frame-Options: DENY")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"{name}: no Cross-Origin-Opener-Policy")
    return problems


@pytest.mark.parametrize("ssl_redirect", [False, True])
def test_the_400_page_for_a_forged_host_carries_the_security_headers(
    client, settings, ssl_redirect
):
    """Django answers a Host not in ALLOWED_HOSTS from the middleware that first reads the Host:
    CommonMiddleware, or SecurityMiddleware itself when it redirects to https."""
    settings.ALLOWED_HOSTS = ["imhs.example.org"]
    settings.SECURE_SSL_REDIRECT = ssl_redirect

    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "Sorry, the service could not read that address" in response.content.decode()
    assert every_header_problem("forged Host", response) == []
    assert "no-store" in response["Cache-Control"]


def test_development_404_pages_carry_the_security_headers(client, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert every_header_problem("404 with DEBUG on", response) == []


def test_404_pages_carry_the_security_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert every_header_problem("404", response) == []
