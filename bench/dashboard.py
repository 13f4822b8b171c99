"""Benchmark: the team's pages at 1,000 and at 100,000 referrals, served as in production.

    make bench-dashboard     (or: DATABASE_URL=postgres:///imhs .venv/bin/python -m bench.dashboard)

For each size it makes a database of its own (`<database>_dash_1k`, `<database>_dash_100k`,
beside the one DATABASE_URL names, with its owner and application roles: scripts/
ensure_database.py), migrates it, seeds it in bulk (bench/dashboard_data.py: referrals shaped as
the workflow writes them, with their events, audit trail, parents' invitations and views,
appointments, and a 250,000-row postcode directory) and runs ANALYZE as the tables' owner. Then
it serves it with gunicorn, 2 workers on a loopback port, with production settings: DEBUG off,
a random SECRET_KEY and FIELD_ENCRYPTION_KEYS (as `make check-deploy`), ALLOWED_HOSTS=127.0.0.1.

Plain http on loopback, honestly: the settings refuse cookies that are not Secure and send
http to https when DEBUG is off. So the benchmark's client plays the TLS-ending proxy of a real
deployment (docs/security.md, "Behind a proxy"): gunicorn and Django trust 127.0.0.1 as that
proxy (TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_IPS=127.0.0.1, SECURE_PROXY_SSL_HEADER), and each
request says `X-Forwarded-Proto: https`, as the proxy would. No setting is weakened: the
cookies stay Secure, the https redirect and HSTS stay on; only the TLS itself is not measured.

It signs in as a service lead with the password and the real second factor (a TOTP code from
the authenticator's key, as the person's app would show), then times each page with a plain
HTTP client (http.client and threads): p50, p95 and throughput at concurrency 1 and 4, both
sizes served at once and measured page by page, the sizes taking turns request by request (the
shared machine's load drifts: the ratios compare measurements taken side by side). Every
answer must be a 200 on the right page (a marker in its body) or the benchmark stops and
exits 1. Pages are reached as a person would: "All" page 2 and the last page by the page's own
"next" and "last" links (or its highest numbered page link), each search by posting the search
form (the address then carries a key, not the text). Last, the workers' memory before and after
1,000 more requests. It prints a table, then each goal of issue 18 with its ratio: met or NOT MET
(a goal not met is reported, not an error: this measures, it does not judge a run).

The dashboard keeps what every team member sees alike while the data is unchanged (ADR 0016),
so "/team/" measures the page as it is read between changes. "/team/, data changed" measures it
with a change to the data (the lead's row written again, untimed) before every request, so
nothing kept is used: its flatness is a goal like any team page's, and its ratios to the bare
page and the admin list are printed for information.

BENCH_SIZES=1000,20000 changes the sizes; BENCH_KEEP=1 reuses databases already seeded at the
same size (after migrating them), instead of dropping and seeding them again.
"""

import contextlib
import datetime
import html
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WORK = ROOT / "build" / "bench-dashboard"
SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(","))
WARM_UP, SERIAL, CONCURRENT, THREADS = 3, 15, 60, 4
MEMORY_REQUESTS = 1_000
GOAL_FLAT, GOAL_FLOOR, GOAL_ADMIN = 1.5, 3.0, 2.0
CHANGED = "/team/, data changed"
TEAM_PAGES = (
    "/team/ (New queue)",
    CHANGED,
    "/team/?queue=all",
    "All, page 2",
    "All, last page",
    "search: reference",
    "search: CHI",
    "search: postcode",
    "search: name",
    "waiting list",
    "my caseload",
    "month's report",
)
FLOOR, DASHBOARD, ADMIN = "/accounts/ (floor)", "/team/ (New queue)", "admin changelist"
ALL = "/team/?queue=all"


class BenchFailure(Exception):
    """A page that did not answer 200 with its marker: the run stops."""


def label(size):
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def run(args, env, **kwargs):
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode != 0:
        raise BenchFailure(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def base_env():
    return {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}


# --- the databases --------------------------------------------------------------------------


def database_url(size):
    """The URL of this size's database: DATABASE_URL's (as given to make, a role that may
    create databases) with the database's name suffixed."""
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres:///imhs")
    name = base.path.lstrip("/") or "imhs"
    return urlunsplit(base._replace(path=f"/{name}_dash_{label(size)}"))


def connect(url, **kwargs):
    import psycopg2

    sys.path.insert(0, str(ROOT / "scripts"))
    from ensure_database import connection_kwargs

    return psycopg2.connect(**{**connection_kwargs(url), **kwargs})


def seeded_count(url):
    try:
        conn = connect(url)
    except Exception:
        return 0
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM referrals_referral")
            return cursor.fetchone()[0]
    finally:
        conn.close()


def prepare(size, keys):
    """Create, migrate and seed this size's database; return (app URL, what seed() said)."""
    url = database_url(size)
    files = WORK / f"{label(size)}_url", WORK / f"{label(size)}_owner_url"
    keep = os.environ.get("BENCH_KEEP") == "1"
    if not keep or not all(f.exists() for f in files):
        name = urlsplit(url).path.lstrip("/")
        admin = connect(url, dbname="postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    env = {**base_env(), "DATABASE_URL": url}
    run([PY, "scripts/ensure_database.py", *files], env)
    app_url, owner_url = (f.read_text().strip() for f in files)
    django_env = {
        **base_env(),
        "DEBUG": "true",
        "DATABASE_URL": app_url,
        "FIELD_ENCRYPTION_KEYS": keys,
    }
    run([PY, "manage.py", "migrate", "--no-input", "-v", "0"],
        {**django_env, "DATABASE_OWNER_URL": owner_url})  # fmt: skip
    started = time.perf_counter()
    kept = keep and seeded_count(owner_url) == size and (WORK / f"{label(size)}.json").exists()
    if kept:
        facts = json.loads((WORK / f"{label(size)}.json").read_text())
        print(f"  {label(size)}: reusing the seeded database (BENCH_KEEP=1)")
    else:
        output = run([PY, "-m", "bench.dashboard", "seed", str(size)], django_env)
        facts = json.loads(output.strip().splitlines()[-1])
        (WORK / f"{label(size)}.json").write_text(json.dumps(facts))
        (WORK / f"{label(size)}.json").chmod(0o600)
    facts["totp"] = run(
        [PY, "-m", "bench.dashboard", "authenticator", facts["email"]], django_env
    ).split()[-1]
    conn = connect(owner_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            # A new submission's reference after the seeded ones (only the owner may set it).
            cursor.execute("SELECT setval('referrals_reference_seq', %s)", [size + 1])
            # Fresh statistics and visibility maps, as autovacuum would soon give them.
            cursor.execute("VACUUM ANALYZE")
            cursor.execute(
                "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN "
                "('referrals_referral', 'referrals_referralevent', 'imhs_auditevent', "
                "'referrals_appointment', 'referrals_parentinvitation', "
                "'referrals_parentviews', 'patients_postcode') ORDER BY relname"
            )
            rows = ", ".join(f"{name} {count:,}" for name, count in cursor.fetchall())
    finally:
        conn.close()
    print(f"  {label(size)}: {'ready' if kept else 'seeded and analysed'} in "
          f"{time.perf_counter() - started:.0f} s ({rows})")  # fmt: skip
    return app_url, facts


def seed_here(size):
    """`python -m bench.dashboard seed SIZE`: seed the database DATABASE_URL names (DEBUG on,
    the benchmark's FIELD_ENCRYPTION_KEYS) and print what the benchmark needs, as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    import logging

    import django

    django.setup()
    from bench.dashboard_data import seed

    logging.getLogger("imhs.audit").setLevel(logging.WARNING)
    seeded = seed(size)
    print(
        json.dumps(
            {
                "email": seeded.lead.email,
                "password": seeded.password,
                "searches": seeded.searches,
                "month": seeded.month,
            }
        )
    )


def authenticator_here(email):
    """`python -m bench.dashboard authenticator EMAIL`: a new authenticator app for the person
    (saved with this run's FIELD_ENCRYPTION_KEYS, which the server is given), its key printed:
    the benchmark's own app, synthetic like everything else."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    import django

    django.setup()
    from imhs.models import AuthenticatorDevice, User

    user = User.objects.get(email=email)
    AuthenticatorDevice.objects.filter(user=user).delete()
    device = AuthenticatorDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    print(device.bin_key.hex())


# --- the server -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(app_url, keys, port):
    return {
        **base_env(),
        "DJANGO_SETTINGS_MODULE": "imhs.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": keys,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": app_url,
        # The benchmark's client is the TLS-ending proxy (see the module's docstring).
        "TRUSTED_PROXY_COUNT": "1",
        "TRUSTED_PROXY_IPS": "127.0.0.1",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }


class Server:
    def __init__(self, app_url, keys, size):
        self.port = free_port()
        self.env = production_env(app_url, keys, self.port)
        self.log = WORK / f"gunicorn-{label(size)}.log"
        self.process = None

    def __enter__(self):
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
                [str(Path(PY).parent / "gunicorn"), "imhs.wsgi", "-c", "gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                 "--access-logfile", "/dev/null", "--error-logfile", str(self.log)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz/")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                break
        raise BenchFailure(f"gunicorn did not start: see {self.log}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def workers_rss_mb(self):
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


# --- the client -----------------------------------------------------------------------------


class Browser:
    """A person's browser behind the TLS proxy: its cookies, sent as a browser on https would
    (every cookie is Secure), and the proxy's X-Forwarded-Proto."""

    def __init__(self, port):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = {}
        self.lock = threading.Lock()

    def request(self, method, path, form=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "127.0.0.1",
            "User-Agent": "bench-dashboard",
        }
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            })  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            with self.lock:
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return response.status, response.headers, content

    def follow(self, method, path, form=None):
        """The request, then its redirects (GET), as a browser follows them."""
        status, headers, content = self.request(method, path, form)
        for _ in range(5):
            if status not in (301, 302, 303):
                break
            location = urlsplit(urljoin(self.origin + path, headers["Location"]))
            path = location.path + (f"?{location.query}" if location.query else "")
            status, headers, content = self.request("GET", path)
        return status, path, content


def csrf_token(content):
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if not found:
        raise BenchFailure("no CSRF token on the form")
    return found.group(1)


def totp_code(key_hex):
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    return f"{totp.token():06d}"


def sign_in(browser, facts):
    _status, path, page = browser.follow("GET", "/accounts/login/")
    status, path, page = browser.follow(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "username": facts["email"],
         "password": facts["password"]},
    )  # fmt: skip
    if not path.startswith("/accounts/two-factor/"):
        raise BenchFailure(f"the password step went to {path} ({status}), not the second factor")
    status, path, page = browser.follow(
        "POST", path, {"csrfmiddlewaretoken": csrf_token(page), "code": totp_code(facts["totp"])}
    )
    status, _path, page = browser.follow("GET", "/team/")
    if status != 200 or "Referrals dashboard" not in page:
        raise BenchFailure(f"signing in with the second factor failed ({status})")


def search_path(browser, text):
    """Post the dashboard's search form; the address it is sent back to carries a key."""
    _status, _path, page = browser.follow("GET", "/team/")
    status, path, _page = browser.follow(
        "POST", "/team/", {"csrfmiddlewaretoken": csrf_token(page), "q": text}
    )
    if status != 200 or "s=" not in path:
        raise BenchFailure(f"searching went to {path} ({status})")
    return path


def link(content, which):
    """The page's own "next" or "last" page link, unescaped, or None: rel="next" / rel="last",
    or a pagination link that says so ("Next", "Last page"); for "last", failing that, the
    highest numbered page link (the numbered pagination has no "last")."""
    numbered = []
    for attributes, text in re.findall(r"<a\b([^>]*)>(.*?)</a>", content, re.S):
        href = re.search(r'href="([^"]*)"', attributes)
        if not href:
            continue
        href, words = html.unescape(href.group(1)), re.sub(r"<[^>]+>", " ", text)
        paging = "pagination" in attributes
        if f'rel="{which}"' in attributes or (
            paging and re.search(rf"\b{which}\b", words, re.IGNORECASE)
        ):
            return href
        number = re.search(r'aria-label="Page (\d+)"', attributes)
        if number and paging:
            numbered.append((int(number.group(1)), href))
    if which == "last" and numbered:
        return max(numbered)[1]
    return None


def absolute(base, href):
    return href if href.startswith("/") else base.split("?")[0] + href


def pages_of(browser, facts, touch):
    """(name, path, marker[, before]) of every page measured, found as a person would reach
    them; `before`, if given, runs before each request, untimed (`touch`: a change to the
    data, so the dashboard works out again what it keeps while the data is unchanged)."""
    _status, _path, all_page = browser.follow("GET", "/team/?queue=all")
    second, last = link(all_page, "next"), link(all_page, "last")
    if not second or not last:
        raise BenchFailure("the All list has no next or last page link")
    second, last = absolute("/team/", second), absolute("/team/", last)
    searches = facts["searches"]
    dashboard = "<title>Referrals dashboard"
    pages = [
        (FLOOR, "/accounts/", "<title>Your account"),
        (DASHBOARD, "/team/", dashboard),
        (CHANGED, "/team/", dashboard, touch),
        ("/team/?queue=all", "/team/?queue=all", dashboard),
        ("All, page 2", second, dashboard),
        ("All, last page", last, dashboard),
    ]
    for kind in ("reference", "CHI", "postcode", "name"):
        # The sample referral must be among the rows found: its link, not the search box.
        pages.append((f"search: {kind}", search_path(browser, searches[kind]),
                      f'{searches["reference"]}/"'))  # fmt: skip
    pages += [
        ("waiting list", "/team/waiting-list/", "<title>Waiting list"),
        ("my caseload", "/team/caseload/", "<title>My caseload"),
        ("month's report", f"/team/reports/?month={facts['month']}", "<title>Monthly report"),
        (ADMIN, "/admin/referrals/referral/", 'id="result_list"'),
    ]
    return pages


class Touch:
    """A change to the data before a request (untimed): the signed-in lead's row written again,
    which raises the data version (ADR 0016) like any change, so the page works out again
    what it keeps while the data is unchanged. A connection of each thread's own."""

    def __init__(self, url, email):
        self.url, self.email, self.local = url, email, threading.local()

    def __call__(self):
        if not hasattr(self.local, "connection"):
            self.local.connection = connect(self.url)
            self.local.connection.autocommit = True
        with self.local.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE imhs_user SET is_active = is_active WHERE email = %s", [self.email]
            )


def get(browser, name, path, marker, before=None):
    if before is not None:
        before()
    started = time.perf_counter()
    status, _headers, content = browser.request("GET", path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200 or marker not in content:
        raise BenchFailure(f"{name} ({path}) answered {status}"
                           + ("" if status != 200 else f" without {marker!r}"))  # fmt: skip
    return elapsed


def in_threads(threads, count, request):
    """`request(n)` for n in 0..count-1, shared among `threads` threads; the first error stops
    them all and is raised here. Returns each request's result, in the order they finished."""
    results, errors = [], []
    remaining = iter(range(count))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                n = next(remaining, None)
            if n is None or errors:
                return
            try:
                result = request(n)
            except Exception as error:  # reported by the calling thread
                errors.append(error)
                return
            with lock:
                results.append(result)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    return results


def burst(browser, page, threads, count):
    """`count` requests of `page` from `threads` threads: (times in ms, seconds in all)."""
    started = time.perf_counter()
    times = in_threads(threads, count, lambda _n: get(browser, *page))
    return times, time.perf_counter() - started


def measure(targets):
    """{size: [(p50, p95, requests/s) at concurrency 1, the same at 4]} for one page, whose
    (browser, (name, path, marker)) at each size `targets` gives. The sizes take turns, a
    request (or, at 4, a third of the requests) at a time, so the machine's drifting load falls
    on both alike."""
    for browser, page in targets.values():
        for _ in range(WARM_UP):
            get(browser, *page)
    results = {size: [] for size in targets}
    for threads, count, rounds in ((1, SERIAL, SERIAL), (THREADS, CONCURRENT, 3)):
        times = {size: [] for size in targets}
        walls = dict.fromkeys(targets, 0.0)
        for _ in range(rounds):
            for size, (browser, page) in targets.items():
                done, wall = burst(browser, page, threads, count // rounds)
                times[size] += done
                walls[size] += wall
        for size in targets:
            ordered = sorted(times[size])
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            results[size].append((statistics.median(ordered), p95, len(ordered) / walls[size]))
    return results


def memory(browser, server, pages):
    """The workers' RSS before and after MEMORY_REQUESTS more requests over the team pages."""
    before = server.workers_rss_mb()
    team = [page for page in pages if page[0] in (FLOOR, DASHBOARD, CHANGED, "waiting list",
                                                   "my caseload", "search: name")]  # fmt: skip
    in_threads(THREADS, MEMORY_REQUESTS, lambda n: get(browser, *team[n % len(team)]))
    return before, server.workers_rss_mb()


# --- the report -----------------------------------------------------------------------------


def report(results, memories):
    sizes = list(results)
    print("\np50 / p95 in ms, throughput in requests/s; concurrency 1 | concurrency 4")
    header = f"{'page':<22}" + "".join(
        f" | {label(s) + ' c1':>22} | {label(s) + ' c4':>22}" for s in sizes
    )
    print(header)
    print("-" * len(header))
    for name in results[sizes[0]]:
        cells = ""
        for size in sizes:
            for p50, p95, rate in results[size][name]:
                cells += f" | {p50:6.0f} {p95:6.0f} {rate:6.1f}/s"
        print(f"{name:<22}{cells}")
    small, large = sizes[0], sizes[-1]
    goals = []
    for name in (*TEAM_PAGES, ADMIN):
        ratio = results[large][name][0][0] / results[small][name][0][0]
        goals.append((f"{name}: p50 {label(large)} / {label(small)}", ratio, GOAL_FLAT,
                      ratio <= GOAL_FLAT))  # fmt: skip
    for size in sizes:
        ratio = results[size][DASHBOARD][0][0] / results[size][FLOOR][0][0]
        goals.append((f"/team/ p50 / bare page p50 at {label(size)}", ratio, GOAL_FLOOR,
                      ratio <= GOAL_FLOOR))  # fmt: skip
    for size in sizes:
        # "All" shows the admin list's rows (every sent referral; 25 a page, the admin 50).
        for page, words in ((ALL, "All"), (DASHBOARD, "/team/")):
            ratio = results[size][page][1][2] / results[size][ADMIN][1][2]
            goals.append((f"{words} throughput / admin list's at {label(size)} (c4)", ratio,
                          GOAL_ADMIN, ratio >= GOAL_ADMIN))  # fmt: skip
    # For information, not a goal: the dashboard's cost when the data has just changed (each
    # request after a write), so nothing it keeps while the data is unchanged is used.
    informed = []
    for size in sizes:
        floor = results[size][CHANGED][0][0] / results[size][FLOOR][0][0]
        admin = results[size][CHANGED][1][2] / results[size][ADMIN][1][2]
        informed.append(f"at {label(size)}: p50 / bare page {floor:.2f}, "
                        f"throughput / admin list's (c4) {admin:.2f}")  # fmt: skip
    print("\nIssue 18's goals (ratios within this run):")
    for words, ratio, goal, met in goals:
        sign = ">=" if "throughput" in words else "<="
        print(f"  {'met    ' if met else 'NOT MET'} {words:<48} {ratio:6.2f} (goal {sign} {goal})")
    print(f"\nFor information, {CHANGED} (each request just after a change to the data):")
    for line in informed:
        print(f"  {line}")
    for size, (before, after) in memories.items():
        grew = max(a - b for a, b in zip(before, after, strict=False)) if before else 0
        flat = grew < 20
        print(f"  {'met    ' if flat else 'NOT MET'} workers' RSS at {label(size)} over "
              f"{MEMORY_REQUESTS:,} requests: {', '.join(f'{b:.0f}' for b in before)} MB -> "
              f"{', '.join(f'{a:.0f}' for a in after)} MB (flat: grows < 20 MB)")  # fmt: skip


def main():
    if sys.argv[1:2] == ["seed"]:
        seed_here(int(sys.argv[2]))
        return 0
    if sys.argv[1:2] == ["authenticator"]:
        authenticator_here(sys.argv[2])
        return 0
    from cryptography.fernet import Fernet

    # Stopped (SIGTERM): unwind, so the servers it started are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    keys = Fernet.generate_key().decode()
    print("Production settings: DEBUG=false, random SECRET_KEY and FIELD_ENCRYPTION_KEYS, "
          "ALLOWED_HOSTS=127.0.0.1, gunicorn with 2 workers on loopback. Plain http on "
          "loopback: the client plays the TLS-ending proxy (X-Forwarded-Proto: https from "
          "127.0.0.1, TRUSTED_PROXY_COUNT=1); cookies stay Secure, the https redirect and HSTS "
          "stay on. TLS itself is not measured.")  # fmt: skip
    # The static files as production serves them (the manifest the templates need).
    run([PY, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        production_env("postgres:///unused", keys, 1))  # fmt: skip
    results, memories = {}, {}
    try:
        prepared = {}
        for size in SIZES:
            print(f"\n{size:,} referrals:")
            prepared[size] = prepare(size, keys)
        # Both sizes served at once (one idle while the other is measured) and measured page
        # by page, taking turns: the ratios compare like with like even when the shared
        # machine's load drifts over the run.
        with contextlib.ExitStack() as stack:
            servers, browsers, pages = {}, {}, {}
            for size, (app_url, facts) in prepared.items():
                servers[size] = stack.enter_context(Server(app_url, keys, size))
                browsers[size] = Browser(servers[size].port)
                sign_in(browsers[size], facts)
                pages[size] = pages_of(browsers[size], facts, Touch(app_url, facts["email"]))
                results[size] = {}
            print("\np50 and p95 at concurrency 1; p50 and throughput at 4:")
            for index, (name, *_rest) in enumerate(pages[SIZES[0]]):
                measured = measure({size: (browsers[size], pages[size][index]) for size in SIZES})
                for size, (c1, c4) in measured.items():
                    results[size][name] = c1, c4
                    print(f"  {label(size):>5} {name:<22} p50 {c1[0]:7.1f} ms  p95 "
                          f"{c1[1]:7.1f} ms  c4: p50 {c4[0]:7.1f} ms, {c4[2]:5.1f}/s")  # fmt: skip
            large = SIZES[-1]
            memories[large] = memory(browsers[large], servers[large], pages[large])
    except BenchFailure as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    report(results, memories)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s "
          f"({datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC).")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
