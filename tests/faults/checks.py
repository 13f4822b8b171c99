"""The faults themselves. Django is set up with the stack's settings before this is imported:
the checks make their people and referrals with the ORM (as the app role) and then act only
through the load balancer, as browsers would.

Every loop is bounded: a fixed number of referrals, decisions and emails.
"""

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


@dataclass
class Client:
    stack: object
    resent: int = 0
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self):
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
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, body=response.read().decode())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers.get("Location", ""), exc.read().decode())
        except (urllib.error.URLError, OSError):
            return Answer(None)

    def send(self, path, data=None, *, tries=8):
        """A request, sent again (the same request, with the same form) while nothing or only
        the proxy answered: what a person does with the browser's "resend"."""
        for attempt in range(tries):
            answer = self.once(path, data)
            if answer.status not in RESEND:
                return answer
            self.resent += 1
            time.sleep(0.2 * (attempt + 1))
        return answer

    def form(self, path):
        page = self.send(path)
        assert page.status == 200, f"GET {path}: {page.status}"  # noqa: S101
        return CSRF.search(page.body).group(1), page.body

    def post(self, path, data, *, form_path=None):
        token, _ = self.form(form_path or path)
        return self.send(path, {"csrfmiddlewaretoken": token, **data})


def sign_in(client, user, *, device=None):
    token, _ = client.form("/accounts/login/")
    answer = client.send(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": user.email, "password": PASSWORD},
    )
    assert answer.status == 302, f"sign-in: {answer.status}"  # noqa: S101
    if device is not None:
        token, _ = client.form("/accounts/two-factor/")
        code = unused_totp_code(device)
        answer = client.send(
            "/accounts/two-factor/", {"csrfmiddlewaretoken": token, "code": code}
        )
        assert answer.status == 302, f"second factor: {answer.status}"  # noqa: S101
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
    pages = {"referrer": reverse("referrals:mine"), "team": reverse("referrals:dashboard")}
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


def app_server_killed(stack, report, people, *, referrals=24, decisions=24):
    print("\n2. An app server killed (SIGKILL) while referrals are sent and decided")
    referrer, referrer_client = people["referrer"]
    member, member_client = people["team"]
    drafts = [ReferralFactory(referrer=referrer) for _ in range(referrals)]
    reviewing = [ReferralFactory(submitted=True) for _ in range(decisions)]
    Referral.objects.filter(pk__in=[r.pk for r in reviewing]).update(
        status=Status.IN_REVIEW, review_started_by=member, review_started_at=timezone.now()
    )
    outcomes = {"submit": [], "accept": []}
    done = Counter()

    def submit(client, work):
        for draft in work:
            path = reverse("referrals:check", args=[draft.pk])
            answer = client.post(path, {"version": draft.version})
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
            landed = client.send(answer.location) if answer.status == 302 else answer
            outcomes["accept"].append((answer.status, landed.status, "Referral accepted" in landed.body))
            done["accept"] += 1

    threads = [
        threading.Thread(target=submit, args=(referrer_client, drafts)),
        threading.Thread(target=accept, args=(member_client, reviewing)),
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while done["submit"] + done["accept"] < (referrals + decisions) // 3:
        time.sleep(0.05)
    in_flight = dict(done)
    stack.stop("app1", signal.SIGKILL, seconds=0)
    killed_at = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=600)
    took = time.monotonic() - started
    resent = referrer_client.resent + member_client.resent

    submitted = Referral.objects.filter(pk__in=[d.pk for d in drafts])
    accepted = Referral.objects.filter(pk__in=[r.pk for r in reviewing])
    events = Counter(
        ReferralEvent.objects.filter(referral__in=[*drafts, *reviewing]).values_list(
            "referral_id", flat=True
        )
    )
    print(
        f"  killed app server 1 after {in_flight} operations, {killed_at:.1f} s in; "
        f"{referrals} referrals and {decisions} decisions in {took:.1f} s; "
        f"{resent} requests sent again by the clients"
    )
    report.check(
        "submit-answers",
        all(o[0] == 302 and o[2] == 200 and o[3] for o in outcomes["submit"])
        and len(outcomes["submit"]) == referrals,
        f"every referral sent ended on its confirmation page ({len(outcomes['submit'])})",
    )
    report.check(
        "submit-once",
        all(r.status == Status.SUBMITTED for r in submitted)
        and all(events[d.pk] == 1 for d in drafts),
        "every referral is submitted, each with one event (none lost, none twice)",
    )
    report.check(
        "accept-answers",
        all(o == (302, 200, True) for o in outcomes["accept"])
        and len(outcomes["accept"]) == decisions,
        f"every decision ended on 'Referral accepted' ({len(outcomes['accept'])})",
    )
    report.check(
        "accept-once",
        all(r.status == Status.ACCEPTED for r in accepted)
        and all(events[r.pk] == 1 for r in reviewing),
        "every referral accepted, each with one event",
    )
    stack.start_app(1)
    stack.wait_for(f"http://127.0.0.1:{stack.app_ports[0]}/healthz/", what="app server 1")


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


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def worker_killed(stack, report):
    print("\n3. An email worker killed (SIGKILL) in the middle of a batch")
    stack.hold_file.touch()  # each worker takes a task and waits at the mail server's door
    queued = queue_password_resets(30, "killed")
    wait_until(lambda: DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() >= 2, 30)
    stuck = DBTaskResult.objects.get(
        status=TaskResultStatus.RUNNING, worker_ids__contains=["prod-local-1"]
    )
    stack.stop("worker1", signal.SIGKILL, seconds=0)
    killed = time.monotonic()
    stack.hold_file.unlink()
    finished = wait_until(
        lambda: DBTaskResult.objects.filter(
            pk__in=queued, status=TaskResultStatus.SUCCESSFUL
        ).count()
        == len(queued),
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
        lambda: DBTaskResult.objects.filter(
            pk__in=queued, status=TaskResultStatus.SUCCESSFUL
        ).count()
        == count,
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
    restart_started = time.monotonic()
    cluster.restart()
    restarted = time.monotonic()
    answers = []
    back = None
    for _ in range(150):  # bounded: 30 s at most
        answer = client.once(reverse("referrals:dashboard"))
        answers.append(answer.status)
        if answer.status == 200:
            back = time.monotonic() - restarted
            if answers[-3:] == [200, 200, 200]:
                break
        time.sleep(0.2)
    queued = queue_password_resets(4, "restart")
    sent = wait_until(
        lambda: DBTaskResult.objects.filter(
            pk__in=queued, status=TaskResultStatus.SUCCESSFUL
        ).count()
        == len(queued),
        60,
    )
    print(
        f"  restart took {restarted - restart_started:.1f} s; first 200 {back or 0:.1f} s "
        f"after it; answers on the way: {dict(Counter(answers))}"
    )
    report.check(
        "db-pages",
        answers[-3:] == [200, 200, 200],
        "the team's pages answer again, with the same session, without restarting anything",
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
    member = TeamMemberFactory(password=PASSWORD)
    device = authenticator_for(member)
    people = {
        "referrer": (referrer, sign_in(Client(stack), referrer)),
        "team": (member, sign_in(Client(stack), member, device=device)),
    }
    sessions_across_servers(stack, report, people)
    app_server_killed(stack, report, people)
    worker_killed(stack, report)
    database_restarted(stack, cluster, report, people)
    two_workers(stack, report)
    return report.failures
