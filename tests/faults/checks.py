"""The faults themselves. Django is set up with the stack's settings before this is imported:
the checks make their people and referrals with the ORM (as the app role) and then act only
through the load balancer, as browsers would.

Every loop is bounded: a fixed number of referrals, decisions and emails.
"""

import http.client
import http.cookiejar
import json
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from imhs.tasks import send_password_reset
from referrals.models import Referral, ReferralEvent, Status
from tests.factories import (
    PostcodeFactory,
    ReferralFactory,
    ReferrerFactory,
    TeamMemberFactory,
)
from tests.processes import wait_until
from tests.sign_in import authenticator_for, unused_totp_code

PASSWORD = "Synthetic fault pass 2026"  # pragma: allowlist secret (invented, loopback only)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Nothing answered, or HAProxy answered for a server that could not: the client sends it again.
RESEND = {None, 502, 503, 504}


# --- a browser, as far as the checks need one -------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int | None
    location: str = ""
    body: str = ""
    failed_at: object = None  # when the request was first tried and nothing (good) came back


@dataclass
class Client:
    stack: object
    resent: int = 0
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self):
        self.posting, self.posts_in_flight = threading.Lock(), 0
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=self.stack.tls()),
            _NoRedirects(),
        )

    def once(self, path, data=None):
        url = self.stack.base_url + path
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 (our own https address)
        request.add_header("Referer", url)  # Django's CSRF check wants it over https
        # Nothing came back, or the answer was cut off when its server died mid-way
        # (IncompleteRead): as with a browser's error page, the person sends it again.
        lost = (urllib.error.URLError, OSError, http.client.HTTPException)
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, body=response.read().decode())
        except urllib.error.HTTPError as error:  # a redirect or an error page: read it below
            answered = error
        except lost:
            return Answer(None)
        try:
            body = answered.read().decode()
        except lost:
            return Answer(None)
        return Answer(answered.code, answered.headers.get("Location", ""), body)

    def send(self, path, data=None, *, tries=8):
        """A request, sent again (the same request, with the same form) while nothing or only
        the proxy answered: what a person does with the browser's "resend". The answer says
        when the first attempt failed, if one did."""
        failed_at = None
        for attempt in range(tries):
            answer = self.once(path, data)
            answer.failed_at = failed_at
            if answer.status not in RESEND:
                return answer
            failed_at = failed_at or timezone.now()
            self.resent += 1
            time.sleep(0.2 * (attempt + 1))
        return answer

    def form(self, path):
        page = self.send(path)
        assert page.status == 200, f"GET {path}: {page.status}"
        return CSRF.search(page.body).group(1), page.body

    def post(self, path, data, *, form_path=None):
        token, _ = self.form(form_path or path)
        with self.posting:
            self.posts_in_flight += 1
        try:
            return self.send(path, {"csrfmiddlewaretoken": token, **data})
        finally:
            with self.posting:
                self.posts_in_flight -= 1


def sign_in(client, user, *, device=None):
    token, _ = client.form("/accounts/login/")
    answer = client.send(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": user.email, "password": PASSWORD},
    )
    assert answer.status == 302, f"sign-in: {answer.status}"
    if device is not None:
        token, _ = client.form("/accounts/two-factor/")
        code = unused_totp_code(device)
        answer = client.send("/accounts/two-factor/", {"csrfmiddlewaretoken": token, "code": code})
        assert answer.status == 302, f"second factor: {answer.status}"
    return client


# --- the report -------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.failures = []

    def check(self, name, ok, detail):
        print(f"  {'ok  ' if ok else 'FAIL'} {detail}")
        if not ok:
            self.failures.append(name)


def served_by(stack, user_id):
    """How many requests each app server answered for `user_id`, from their request logs."""
    counts = {}
    for number in (1, 2):
        lines = stack.log(f"app{number}").read_text().splitlines()
        counts[number] = sum(
            1
            for line in lines
            if line.startswith('{"') and json.loads(line).get("user_id") == user_id
        )
    return counts


# --- 1. sessions across app servers -----------------------------------------------------------


def sessions_across_servers(stack, report, people):
    print("\n1. Sessions across app servers (round robin, no sticky sessions)")
    before = {key: served_by(stack, person.pk) for key, (person, _) in people.items()}
    team = reverse("referrals:dashboard")
    pages = {"referrer": reverse("referrals:mine"), "team": team, "colleague": team}
    for key, (_person, client) in people.items():
        statuses = Counter(client.send(pages[key]).status for _ in range(10))
        report.check(f"session-{key}", statuses == {200: 10}, f"{key}: 10 pages, {dict(statuses)}")
    for key, (person, _client) in people.items():
        after = served_by(stack, person.pk)
        spread = {n: after[n] - before[key][n] for n in after}
        report.check(
            f"spread-{key}",
            all(count >= 3 for count in spread.values()),
            f"{key}'s requests answered by app server 1 and 2: {spread[1]} and {spread[2]}",
        )


# --- 2. an app server killed under load -------------------------------------------------------


def app_server_killed(stack, report, people, *, referrals=40, decisions=40):
    print("\n2. An app server killed (SIGKILL) while referrals are sent and decided")
    referrer, referrer_client = people["referrer"]
    member, member_client = people["team"]
    _colleague, colleague_client = people["colleague"]
    clients = (referrer_client, member_client, colleague_client)
    drafts = [ReferralFactory(referrer=referrer) for _ in range(referrals)]
    reviewing = [ReferralFactory(submitted=True) for _ in range(decisions)]
    Referral.objects.filter(pk__in=[r.pk for r in reviewing]).update(
        status=Status.IN_REVIEW, review_started_by=member, review_started_at=timezone.now()
    )
    outcomes = {"submit": [], "accept": []}
    resent_posts = []  # (referral id, when its POST first failed)
    done = Counter()

    def submit(client, work):
        for draft in work:
            path = reverse("referrals:check", args=[draft.pk])
            answer = client.post(path, {"version": draft.version})
            if answer.failed_at:
                resent_posts.append((draft.pk, answer.failed_at))
            landed = client.send(answer.location) if answer.status == 302 else answer
            outcomes["submit"].append(
                (answer.status, answer.location, landed.status, "What happens next" in landed.body)
            )
            done["submit"] += 1

    def accept(client, work):
        for referral in work:
            page = reverse("referrals:team_referral", args=[referral.reference])
            path = reverse("referrals:team_action", args=[referral.reference, "accept"])
            version = Referral.objects.get(pk=referral.pk).version
            answer = client.post(path, {"version": version, "priority": "routine"}, form_path=page)
            if answer.failed_at:
                resent_posts.append((referral.pk, answer.failed_at))
            landed = client.send(answer.location) if answer.status == 302 else answer
            outcomes["accept"].append(
                (answer.status, landed.status, "Referral accepted" in landed.body)
            )
            if outcomes["accept"][-1] != (302, 200, True):
                message = re.search(r'nhsuk-error-summary__body">(.{0,300})', landed.body, re.S)
                print("  refused:", message.group(1) if message else landed.body[:300])
            done["accept"] += 1
        connections.close_all()

    # Two of each at once, so requests are in flight on the server when it dies.
    threads = [
        threading.Thread(target=submit, args=(referrer_client, drafts[0::2])),
        threading.Thread(target=submit, args=(referrer_client, drafts[1::2])),
        threading.Thread(target=accept, args=(member_client, reviewing[0::2])),
        threading.Thread(target=accept, args=(colleague_client, reviewing[1::2])),
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # Three times, a quarter, a half and three quarters of the way through, at a moment when a
    # change is on its way to a server: kill app server 1, then 2, then 1, each SIGKILLed and
    # started again (a change in flight went to the killed one about half the time).
    kills = []
    total = referrals + decisions
    for round_number, number in enumerate((1, 2, 1), start=1):
        while done["submit"] + done["accept"] < total * round_number // 4 or not (
            any(client.posts_in_flight for client in clients)
        ):
            if not any(thread.is_alive() for thread in threads):
                break
            time.sleep(0.002)
        stack.stop(f"app{number}", signal.SIGKILL, seconds=0)
        kills.append((number, dict(done), round(time.monotonic() - started, 1)))
        stack.start_app(number)
        stack.wait_for(
            f"http://127.0.0.1:{stack.app_ports[number - 1]}/healthz/", what=f"app {number}"
        )
    for thread in threads:
        thread.join(timeout=600)
    took = time.monotonic() - started
    resent = sum(client.resent for client in clients)

    events = Counter(
        ReferralEvent.objects.filter(referral__in=[*drafts, *reviewing]).values_list(
            "referral_id", flat=True
        )
    )
    # A resent POST whose change is dated before its first attempt failed: the dead server
    # had applied it and died before answering; the resend got the same answer, and no copy.
    applied_unanswered = sum(
        ReferralEvent.objects.filter(referral_id=pk, at__lt=failed_at).exists()
        for pk, failed_at in resent_posts
    )
    for number, so_far, at in kills:
        print(f"  killed app server {number} {at} s in, after {so_far}")
    print(
        "  "
        f"{referrals} referrals and {decisions} decisions in {took:.1f} s; "
        f"{resent} requests sent again by the clients, {len(resent_posts)} of them changes, "
        f"{applied_unanswered} of which the dead server had applied before dying unanswered"
    )
    for outcome in outcomes["accept"]:
        if outcome != (302, 200, True):
            print(f"  a decision's answer: {outcome}")
    answered = {
        "submit": [o[0] == 302 and o[2] == 200 and o[3] for o in outcomes["submit"]],
        "accept": [o == (302, 200, True) for o in outcomes["accept"]],
    }
    for name, work, status, page in (
        ("submit", drafts, Status.SUBMITTED, "its confirmation page"),
        ("accept", reviewing, Status.ACCEPTED, "'Referral accepted'"),
    ):
        report.check(
            f"{name}-answers",
            all(answered[name]) and len(answered[name]) == len(work),
            f"every {name} ({len(answered[name])}) ended on {page}",
        )
        statuses = Counter(
            Referral.objects.filter(pk__in=[r.pk for r in work]).values_list("status", flat=True)
        )
        report.check(
            f"{name}-once",
            statuses == {status: len(work)} and all(events[r.pk] == 1 for r in work),
            f"every one {status}, each with one event (none lost, none twice)",
        )


# --- 3. an email worker killed mid-batch; 5. two workers, one queue ---------------------------


def queue_password_resets(count, tag):
    users = [
        ReferrerFactory(email=f"fault.{tag}.{n}@example.org", password=PASSWORD)
        for n in range(count)
    ]
    return {send_password_reset.enqueue(user_id=u.pk).id: u.email for u in users}


def sent_to(stack):
    recipients = Counter()
    for path in stack.mail_dir.glob("*.eml"):
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                recipients[line[4:].strip()] += 1
                break
    return recipients


def worker_killed(stack, report):
    print("\n3. An email worker killed (SIGKILL) in the middle of a batch")
    stack.hold_file.touch()  # each worker takes a task and waits at the mail server's door
    queued = queue_password_resets(30, "killed")
    wait_until(
        lambda: DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() >= 2, 30
    )
    stuck = DBTaskResult.objects.get(
        status=TaskResultStatus.RUNNING, worker_ids__contains=["prod-local-1"]
    )
    stack.stop("worker1", signal.SIGKILL, seconds=0)
    killed = time.monotonic()
    stack.hold_file.unlink()
    finished = wait_until(
        lambda: (
            DBTaskResult.objects.filter(pk__in=queued, status=TaskResultStatus.SUCCESSFUL).count()
            == len(queued)
        ),
        120,
    )
    recovered = DBTaskResult.objects.get(pk=stuck.pk)
    sent = sent_to(stack)
    print(
        f"  worker 1 killed holding task {str(stuck.pk)[:8]}…; the queue finished "
        f"{time.monotonic() - killed:.1f} s later; that task was run by {recovered.worker_ids}"
    )
    report.check("worker-all-sent", finished, f"all {len(queued)} tasks finished")
    report.check(
        "worker-once",
        all(sent[email] == 1 for email in queued.values()),
        f"each of the {len(queued)} emails arrived once "
        f"({sum(sent[e] for e in queued.values())} arrived)",
    )
    stack.start_worker(1)


def two_workers(stack, report, *, count=60):
    print("\n5. Two workers on one queue")
    queued = queue_password_resets(count, "pair")
    finished = wait_until(
        lambda: (
            DBTaskResult.objects.filter(pk__in=queued, status=TaskResultStatus.SUCCESSFUL).count()
            == count
        ),
        120,
    )
    runs = list(DBTaskResult.objects.filter(pk__in=queued).values_list("worker_ids", flat=True))
    by_worker = Counter(ids[-1] for ids in runs)
    sent = sent_to(stack)
    print(f"  {count} tasks; taken by {dict(by_worker)}")
    report.check("pair-finished", finished, f"all {count} finished")
    report.check(
        "pair-once",
        all(len(ids) == 1 for ids in runs) and all(sent[e] == 1 for e in queued.values()),
        "every task taken by exactly one worker, once; every email arrived once",
    )
    report.check("pair-shared", len(by_worker) == 2, "both workers took tasks")


# --- 4. PostgreSQL restarted ------------------------------------------------------------------


def database_restarted(stack, cluster, report, people):
    print("\n4. PostgreSQL restarted while the app servers and workers run")
    _member, client = people["team"]
    pids = {name: stack.pid(name) for name in ("app1", "app2", "worker1", "worker2")}
    connections.close_all()
    page = reverse("referrals:dashboard")
    answers, stop = [], threading.Event()

    def keep_asking():  # a person using the team's pages throughout (bounded: 600 requests)
        while not stop.is_set() and len(answers) < 600:
            answers.append((time.monotonic(), client.once(page).status))
            time.sleep(0.05)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    time.sleep(0.5)
    restart_started = time.monotonic()
    cluster.restart()
    restarted = time.monotonic()
    wait_until(lambda: [s for at, s in answers if at > restarted][-3:] == [200] * 3, 30)
    stop.set()
    asking.join()
    after = [(at, status) for at, status in answers if at > restarted]
    back = next((at - restarted for at, status in after if status == 200), None)
    queued = queue_password_resets(4, "restart")
    sent = wait_until(
        lambda: (
            DBTaskResult.objects.filter(pk__in=queued, status=TaskResultStatus.SUCCESSFUL).count()
            == len(queued)
        ),
        60,
    )
    print(
        f"  restart took {restarted - restart_started:.1f} s; first 200 {back or 0:.1f} s "
        f"after it; the pages' answers throughout: {dict(Counter(s for _, s in answers))}"
    )
    report.check(
        "db-pages",
        [status for _, status in after][-3:] == [200, 200, 200],
        "the team's pages answer again, with the same session, without restarting anything",
    )
    report.check(
        "db-503",
        {status for _, status in answers} <= {200, 503},
        "while it was down, the pages said 503 'try again in a moment' (no 500)",
    )
    report.check(
        "db-same-processes",
        all(stack.pid(name) == pid and stack.running(name) for name, pid in pids.items()),
        "no app server or worker restarted",
    )
    report.check("db-queue", sent, "emails queued after the restart were sent")


# --- all of them ------------------------------------------------------------------------------


def run_all(stack, cluster):
    report = Report()
    PostcodeFactory(postcode="ML5 9ZZ")
    referrer = ReferrerFactory(password=PASSWORD)
    member, colleague = TeamMemberFactory(password=PASSWORD), TeamMemberFactory(password=PASSWORD)
    people = {
        "referrer": (referrer, sign_in(Client(stack), referrer)),
        "team": (member, sign_in(Client(stack), member, device=authenticator_for(member))),
        # A second person deciding at the same time (one person's two tabs would share one
        # session's messages, and each tab could show the other's "Referral accepted").
        "colleague": (
            colleague,
            sign_in(Client(stack), colleague, device=authenticator_for(colleague)),
        ),
    }
    sessions_across_servers(stack, report, people)
    app_server_killed(stack, report, people)
    worker_killed(stack, report)
    database_restarted(stack, cluster, report, people)
    two_workers(stack, report)
    return report.failures
