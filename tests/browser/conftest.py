"""Real-browser tests: Playwright driving Debian's chromium against Django's live server.

One browser for the whole session (pytest-playwright's session fixture); each test gets a fresh
context and page. Helpers here check accessibility with axe-core and collect console errors.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM in the same test
# would otherwise refuse to run ("SynchronousOnlyOperation").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core's own list for the radio role, plus aria-expanded: NHS.UK frontend sets it on radios
# that reveal a follow-up question, deliberately, as GOV.UK Frontend does (ADR 0005). Nothing
# else is relaxed.
RADIO_ALLOWED_ATTRS = ["aria-posinset", "aria-setsize", "aria-required", "aria-expanded"]


def chromium_path():
    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        # Never skip: a browser test that did not run must not look like a pass.
        pytest.fail("chromium is not installed: run scripts/ensure_chromium.sh (make test does).")
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",  # tests run as root in CI
            "--disable-gpu",
            "--disable-dev-shm-usage",
            # The machine has no network beyond package registries: stop chromium trying.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def watch_console(page):
    """Console errors (including CSP violations), script errors and failed requests (with
    their URL, which the console message leaves out) seen by `page` from now on."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    # A load the browser abandons because the test moved to the next page is not an error.
    page.on(
        "requestfailed",
        lambda r: (
            None
            if r.failure == "net::ERR_ABORTED"
            else errors.append(f"request failed: {r.url} ({r.failure})")
        ),
    )
    return errors


@pytest.fixture
def console_errors(page):
    return watch_console(page)


def axe_violations(page):
    """Run axe-core on the current page; return WCAG 2.x A/AA violations as short strings.

    `evaluate` is not subject to the page's CSP (an injected <script> tag would be). axe
    preloads media but not the CSSOM: that preload copies each stylesheet that has an
    `@import` (the admin's forms.css) into a <style> element, which the CSP rightly blocks
    ("Applying inline style violates style-src 'self'"), so on the admin's change and action
    pages axe itself logged the only CSP violations (issue 12, point 13). The one rule that
    reads the CSSOM (css-orientation-lock) is experimental and not among the rules run.
    """
    page.evaluate(AXE_SOURCE.read_text())
    page.evaluate(
        "(attrs) => axe.configure({standards: {ariaRoles: {radio: {allowedAttrs: attrs}}}})",
        RADIO_ALLOWED_ATTRS,
    )
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {preload: {assets: ['media']},"
        " runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target).join(', ')})`)",
        WCAG_TAGS,
    )
    return violations


def check_accessible(page):
    """Fail on any axe-core WCAG 2.x A/AA violation on the page as it is now."""
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.fixture
def assert_accessible(page):
    return lambda: check_accessible(page)


def enter_security_code(page, email):
    """The second-factor step of signing in, with the code the person's app would show (their
    app must be set up before they sign in: tests.sign_in.authenticator_for)."""
    from imhs.models import AuthenticatorDevice
    from tests.sign_in import unused_totp_code

    device = AuthenticatorDevice.objects.get(user__email=email, confirmed=True)
    page.get_by_label("Security code").fill(unused_totp_code(device))
    page.get_by_role("button", name="Continue").click()


def sign_in_to_the_dashboard(page, live_server, user, password):
    """A team member or service lead signs in, with their app's code, and lands on the
    dashboard (their app is set up here first)."""
    from playwright.sync_api import expect

    from tests.sign_in import authenticator_for

    authenticator_for(user)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_security_code(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals dashboard")
