"""Benchmark: the waiting list and caseloads as the history grows from 1,000 to 100,000 referrals.

    make bench-pathway     (or: DEBUG=true .venv/bin/python -m bench.pathway)

Seeds in bulk (bulk_create, not the workflow) 1,000 referrals with five appointments each, then
99,000 more (100,000 in all). The open cases are a service's capacity and do not grow with the
history: 300 accepted and waiting, 150 in treatment, 50 not yet decided, allocated across 12 team
members; every other referral is history, mostly closed or declined, some withdrawn. Signs in as
a team member with Django's test client (the whole request: middleware, session, second
factor, template) and times the waiting list, "My caseload" and that member's caseload at each
size: p50 and p90 of 30 requests after 3 to warm up, the queries per request, and the ratio of
100,000 to 1,000 (the goal: 1.5 or less). Prints the plan of the waiting set's query at 100,000.
Not a timed test: it reports, and exits 1 only if a ratio is over the goal. Everything it seeded
is deleted afterwards (and before, should an interrupted run have left any); its users, who
have audit events, are kept for the next run.
"""

import datetime
import logging
import os
import random
import statistics
import sys
import time

REFERENCE_PREFIX = "IMH-1999-"  # a year no real referral has
EMAIL_DOMAIN = "bench.invalid"
SMALL, LARGE = 1_000, 100_000
WAITING, IN_TREATMENT, UNDECIDED = 300, 150, 50
MEMBERS = 12
APPOINTMENTS_EACH = 5
REQUESTS, WARM_UP = 30, 3
GOAL_RATIO = 1.5
BATCH = 5_000
TABLES = (
    "referrals_referral",
    "referrals_appointment",
    "referrals_unavailability",
    "patients_infant",
)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from imhs import database_roles
    from imhs.models import AuthenticatorDevice, Role, User
    from patients.models import Infant
    from referrals.models import Appointment, Referral, Unavailability

    # Quiet: the audit trail's log line for every page view, and the sign-in's.
    for name in ("imhs.audit", "axes"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Each request would empty the connection's query log as it starts: keep it, to count them.
    request_started.disconnect(reset_queries)

    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - a fixed seed, so runs compare like with like

    def noon(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    def user(n, role):
        profession = "health_visitor" if role == Role.REFERRER else "clinical_psychologist"
        person, _ = User.objects.get_or_create(
            email=f"bench{n}@{EMAIL_DOMAIN}",
            defaults={
                "given_name": f"Bench{n}",
                "family_name": "Person",
                "role": role,
                "profession": profession,
            },
        )
        return person

    members = [user(n, Role.TEAM_MEMBER) for n in range(MEMBERS)]
    referrer = user(99, Role.REFERRER)

    def clean_up():
        bench = Referral.objects.filter(reference__startswith=REFERENCE_PREFIX)
        infant_ids = list(bench.values_list("infant_id", flat=True))
        Appointment.objects.filter(referral__in=bench).delete()
        Unavailability.objects.filter(referral__in=bench).delete()
        bench.delete()
        for start in range(0, len(infant_ids), BATCH):
            Infant.objects.filter(pk__in=infant_ids[start : start + BATCH]).delete()

    def kind_of(n):
        """The open cases are the first 500 of the first 1,000; everything else is history."""
        if n < WAITING:
            return "accepted"
        if n < WAITING + IN_TREATMENT:
            return "in_treatment"
        if n < WAITING + IN_TREATMENT + UNDECIDED:
            return rng.choice(["submitted", "in_review"])
        return rng.choices(["closed", "declined", "withdrawn"], weights=[70, 25, 5])[0]

    def appointments_for(referral, kind, received):
        made = []
        if kind in ("submitted", "in_review", "declined", "withdrawn"):
            # Not seen after acceptance: five past or future appointments would not exist, but
            # every referral carries five here so the appointments table is 5x the referrals.
            days = [received + datetime.timedelta(days=10 * i + 5) for i in range(5)]
            return [
                Appointment(
                    referral=referral, on=day, time=datetime.time(10), purpose="consultation",
                    mode="clinic", attendance="clinic_cancelled", cancelled_on=day,
                    booked_by=members[0], booked_at=noon(day), outcome_by=members[0],
                    outcome_at=noon(day),
                )
                for day in days
            ]  # fmt: skip
        start = received + datetime.timedelta(days=14)
        plan = {
            "accepted": [("consultation", "attended"), ("assessment", "did_not_attend"),
                         ("assessment", "attended"), ("assessment", "patient_cancelled"),
                         ("first_treatment", "booked")],
            "in_treatment": [("consultation", "attended"), ("assessment", "attended"),
                             ("first_treatment", "attended"), ("treatment", "attended"),
                             ("treatment", "booked")],
            "closed": [("consultation", "attended"), ("assessment", "attended"),
                       ("first_treatment", "attended"), ("treatment", "attended"),
                       ("review", "attended")],
        }[kind]  # fmt: skip
        span = max((today - start).days, 10)
        for i, (purpose, attendance) in enumerate(plan):
            day = start + datetime.timedelta(days=span * i // 6)
            if attendance == "booked":
                day = today + datetime.timedelta(days=rng.randint(1, 30))
            outcome = {} if attendance == "booked" else {"outcome_by": members[0],
                                                         "outcome_at": noon(day)}  # fmt: skip
            made.append(
                Appointment(
                    referral=referral, on=day, time=datetime.time(9 + i), purpose=purpose,
                    mode="clinic", attendance=attendance,
                    cancelled_on=day if attendance == "patient_cancelled" else None,
                    booked_by=members[0], booked_at=noon(start), **outcome,
                )
            )  # fmt: skip
        return made

    def seed(first, last):
        """Referrals `first` to `last - 1`, with their babies and appointments, in bulk."""
        for start in range(first, last, BATCH):
            numbers = range(start, min(start + BATCH, last))
            infants = Infant.objects.bulk_create(
                Infant(given_name=f"Benchbaby{n}", family_name="Example") for n in numbers
            )
            referrals, plans = [], []
            for n, infant in zip(numbers, infants, strict=True):
                kind = kind_of(n)
                open_case = kind in ("accepted", "in_treatment", "submitted", "in_review")
                # Open cases arrived in the last year; the history over the ten before.
                received = today - datetime.timedelta(
                    days=rng.randint(5, 360) if open_case else rng.randint(365, 3650)
                )
                member = members[n % MEMBERS]
                decided = noon(received + datetime.timedelta(days=7))
                case = kind in ("accepted", "in_treatment", "closed")
                referrals.append(
                    Referral(
                        reference=f"{REFERENCE_PREFIX}{n:06d}", status=kind, infant=infant,
                        referrer=referrer, referrer_name="Bench Referrer",
                        referrer_profession="health_visitor", submitted_at=noon(received),
                        submitted_by=referrer,
                        decided_at=decided if case or kind == "declined" else None,
                        decided_by=members[0] if case or kind == "declined" else None,
                        allocated_to=member if case else None,
                        allocated_at=decided if case else None,
                        priority="routine" if case else "",
                        closed_on=received + datetime.timedelta(days=200)
                        if kind == "closed" else None,
                        close_reason="treatment_completed" if kind == "closed" else "",
                        decline_reason="another_service" if kind == "declined" else "",
                        signposted_other="Bench Support Service" if kind == "declined" else "",
                        decision_explanation="Synthetic." if kind == "declined" else "",
                        withdraw_reason="Synthetic." if kind == "withdrawn" else "",
                    )
                )  # fmt: skip
                plans.append((kind, received))
            Referral.objects.bulk_create(referrals)
            appointments, away = [], []
            for referral, (kind, received) in zip(referrals, plans, strict=True):
                appointments += appointments_for(referral, kind, received)
                if kind == "accepted" and rng.random() < 0.2:
                    begins = received + datetime.timedelta(days=20)
                    away.append(
                        Unavailability(
                            referral=referral, start=begins,
                            end=begins + datetime.timedelta(days=rng.randint(3, 20)),
                            reason="Synthetic: away", recorded_by=members[0],
                            recorded_at=noon(begins),
                        )
                    )  # fmt: skip
            Appointment.objects.bulk_create(appointments, batch_size=BATCH)
            Unavailability.objects.bulk_create(away)
        analyze()

    def analyze():
        """Fresh statistics for the planner, as autovacuum would soon give them. Only the
        tables' owner may: with DATABASE_OWNER_URL (make bench-pathway passes it) on a
        connection of its own; without it, the planner works from older statistics."""
        if not settings.DATABASE_OWNER:
            return
        owner = connection.copy()
        database_roles.log_in(owner, database_roles.credentials(settings.DATABASE_OWNER))
        try:
            with owner.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(f"ANALYZE {table}")
        finally:
            owner.close()

    member = members[0]
    device = AuthenticatorDevice.objects.filter(user=member, confirmed=True).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=member, name="Authenticator app", confirmed=True
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    pages = {
        "Waiting list": "/team/waiting-list/",
        "My caseload": "/team/caseload/",
        "Member's caseload": f"/team/caseloads/{member.pk}/",
    }

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    def measure():
        results = {}
        for name, url in pages.items():
            for _ in range(WARM_UP):
                get(url)
            connection.queries_log.clear()  # full from the seeding: its length no longer grows
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                response = get(url)
                times.append((time.perf_counter() - started) * 1000)
            p90 = statistics.quantiles(times, n=10)[-1]
            rows = response.content.decode().count('<tr class="nhsuk-table__row') - 1
            results[name] = (statistics.median(times), p90, len(queries), rows)
        return results

    def report(size, results):
        print(f"\n{size:,} referrals ({size * APPOINTMENTS_EACH:,} appointments):")
        for name, (p50, p90, queries, rows) in results.items():
            print(f"  {name:<18} p50 {p50:7.1f} ms   p90 {p90:7.1f} ms   {queries} queries, "
                  f"{rows} rows")  # fmt: skip

    clean_up()
    started = time.perf_counter()
    try:
        seed(0, SMALL)
        small = measure()
        report(SMALL, small)
        seed(SMALL, LARGE)
        print(f"\n(seeded {LARGE:,} in all; {time.perf_counter() - started:.0f} s so far)")
        large = measure()
        report(LARGE, large)
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT id FROM referrals_referral WHERE status = 'accepted' "
                "AND status <> 'draft'"
            )
            plan = [line for (line,) in cursor.fetchall()]
            cursor.execute(
                "EXPLAIN SELECT id FROM referrals_appointment WHERE referral_id IN "
                "(SELECT id FROM referrals_referral WHERE status = 'accepted')"
            )
            appointments_plan = [line for (line,) in cursor.fetchall()]
    finally:
        clean_up()

    print(
        f"\nThe open cases do not grow with the history: {WAITING} waiting, {IN_TREATMENT} in "
        f"treatment and {UNDECIDED} undecided at both sizes, across {MEMBERS} team members; "
        f"the other {LARGE - WAITING - IN_TREATMENT - UNDECIDED:,} are closed, declined or "
        "withdrawn."
    )
    print("The waiting set's query plan at 100,000: " + " / ".join(p.strip() for p in plan))
    print("Its appointments' plan: " + " / ".join(p.strip() for p in appointments_plan))
    failed = False
    for name in pages:
        ratio = large[name][0] / small[name][0]
        same = "same" if large[name][2] == small[name][2] else "DIFFERENT"
        print(f"  {name:<18} p50 ratio 100k/1k: {ratio:.2f}  (goal <= {GOAL_RATIO}); "
              f"queries {small[name][2]} and {large[name][2]} ({same})")  # fmt: skip
        failed |= ratio > GOAL_RATIO
    print(f"Total time {time.perf_counter() - started:.0f} s.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
