"""Benchmark: the monthly report and the 13-month trends at 1,000 and 100,000 referrals.

    make bench-reports     (or: DEBUG=true .venv/bin/python -m bench.reports)

Seeds in bulk (bulk_create, not the workflow) 1,000 referrals, then 99,000 more (100,000 in
all), each with five appointments (a team member on each) and a baby in one of the two councils.
As in a real service the recent months' work is bounded by the team's capacity and only the
history grows: 800 referrals (about 50 a month) over the 16 months before this one, the same at
both sizes - most accepted, seen after a wait of 2 to 60 weeks and then closed or still in
treatment, some waiting, some declined, withdrawn or not yet decided - and the rest over the ten
years before, all done with (closed, declined or withdrawn).

At each size it builds the last complete month's report (`MonthReport.build`) and the 13
months' trends (`trend_tables`) three times each, and prints the p50, the queries each made, the
slowest queries at 100,000, and whether the issue's goals are met: at 100,000, a month under 2 s
and the trends under 3 s; the same number of queries at both sizes (aggregates in the database,
not a query per row). Exits 1 if a goal is missed. Everything it seeded is deleted afterwards
(and before, should an interrupted run have left any). BENCH_KEEP=1 keeps the rows for the next
run; BENCH_PROFILE=1 adds a profile of one month's report.

Why the recent months are bounded: the month's report loads the children seen that month and
those waiting at its end to run the clock on each (ADR 0011: waits only from
`referrals.waiting_times`), which is as many rows as the team's waiting list. Spread all 100,000
over 16 months instead (6,000 referrals a month, 45,000 waiting) and the report takes 17 s and
the trends 57 s, nearly all of it building model instances for the waiting set.
"""

import datetime
import logging
import os
import random
import statistics
import sys
import time

REFERENCE_PREFIX = "IMH-1998-"  # a year no real referral has
EMAIL_DOMAIN = "bench-reports.invalid"
SMALL, LARGE = 1_000, 100_000
MONTHS = 16
# The referrals of the recent MONTHS: the same at both sizes (a service's capacity, about 50 a
# month); the rest is history, which is what grows.
RECENT = 800
APPOINTMENTS_EACH = 5
RUNS = 3
MONTH_GOAL, TRENDS_GOAL = 2.0, 3.0  # seconds, at LARGE
BATCH = 5_000
POSTCODES = ("ZR1 1AA", "ZR2 1AA")  # synthetic, one in each council
MODES = ("clinic", "home_visit", "nursery", "near_me", "telephone")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhs.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from imhs.models import Role, User
    from patients.catchment import CATCHMENT
    from patients.models import Infant, Postcode
    from referrals.models import Appointment, Referral
    from referrals.reports.figures import Month, MonthReport
    from referrals.reports.trends import trend_tables

    logging.getLogger("imhs.audit").setLevel(logging.WARNING)
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - a fixed seed, so runs compare like with like
    staff_links = Appointment.staff.through

    def noon(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    def user(n, role, profession):
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

    professions = ("clinical_psychologist", "child_psychotherapist", "social_worker")
    members = [user(n, Role.TEAM_MEMBER, professions[n % 3]) for n in range(9)]
    referrer = user(99, Role.REFERRER, "health_visitor")
    for postcode, council in zip(POSTCODES, CATCHMENT.council_codes, strict=True):
        Postcode.objects.update_or_create(
            postcode=postcode,
            defaults={"health_board_code": CATCHMENT.board_code, "council_area_code": council},
        )

    def clean_up():
        bench = Referral.objects.filter(reference__startswith=REFERENCE_PREFIX)
        infant_ids = list(bench.values_list("infant_id", flat=True))
        staff_links.objects.filter(appointment__referral__in=bench).delete()
        Appointment.objects.filter(referral__in=bench).delete()
        bench.delete()
        for start in range(0, len(infant_ids), BATCH):
            Infant.objects.filter(pk__in=infant_ids[start : start + BATCH]).delete()

    first_day = Month.of(today)
    for _ in range(MONTHS):
        first_day = first_day.previous()
    span = (Month.of(today).first - first_day.first).days

    def plan(n):
        """(status, received, decided, treatment started, closed, appointments as (day,
        purpose, attendance))."""
        if n < RECENT:
            received = first_day.first + datetime.timedelta(days=(n * 7919) % span)
            weights = [70, 12, 12, 2, 4]
        else:  # history: two to ten years before the recent months, all decided and done with
            received = first_day.first - datetime.timedelta(days=730 + (n * 7919) % 2920)
            weights = [80, 0, 17, 3, 0]
        kind = rng.choices(["seen", "waiting", "declined", "withdrawn", "pending"], weights)[0]
        decided = received + datetime.timedelta(days=rng.randint(1, 21))
        if kind in ("withdrawn", "pending") or decided >= today:
            status = "withdrawn" if kind == "withdrawn" else "in_review"
            return status, received, None, None, None, _cancelled(received)
        if kind == "declined":
            return "declined", received, decided, None, None, _cancelled(received)
        started = received + datetime.timedelta(weeks=rng.randint(2, 60))
        first = decided + datetime.timedelta(days=7)
        visits = [(first, "assessment", rng.choice(["attended", "did_not_attend"]))]
        if kind == "waiting" or started >= today:
            visits += [
                (first + datetime.timedelta(days=14 * i), "assessment", "attended")
                for i in (1, 2, 3)
            ]
            visits.append((today + datetime.timedelta(days=rng.randint(1, 60)), "first_treatment",
                           "booked"))  # fmt: skip
            return "accepted", received, decided, None, None, visits
        visits += [(max(first, started - datetime.timedelta(days=7)), "assessment", "attended")]
        visits += [(started, "first_treatment", "attended")]
        visits += [
            (started + datetime.timedelta(days=14 * i), "treatment",
             rng.choice(["attended", "attended", "attended", "did_not_attend", "could_not_wait"]))
            for i in (1, 2)
        ]  # fmt: skip
        last = visits[-1][0]
        if last + datetime.timedelta(days=10) < today and (n >= RECENT or rng.random() < 0.7):
            closed = last + datetime.timedelta(days=rng.randint(3, 30))
            return "closed", received, decided, started, min(closed, today), visits
        return "in_treatment", received, decided, started, None, visits

    def _cancelled(received):
        return [
            (received + datetime.timedelta(days=3 + i), "consultation", "clinic_cancelled")
            for i in range(APPOINTMENTS_EACH)
        ]

    def seed(first, last):
        for start in range(first, last, BATCH):
            numbers = range(start, min(start + BATCH, last))
            plans = [plan(n) for n in numbers]
            infants = Infant.objects.bulk_create(
                Infant(
                    given_name=f"Benchbaby{n}",
                    family_name="Example",
                    postcode=POSTCODES[n % 2],
                    sex=("female", "male")[n % 2],
                    date_of_birth=received - datetime.timedelta(days=30 + n % 900),
                )
                for n, (_s, received, *_rest) in zip(numbers, plans, strict=True)
            )
            referrals = []
            for n, infant, (status, received, decided, started, closed, _v) in zip(
                numbers, infants, plans, strict=True
            ):
                member = members[n % len(members)]
                referrals.append(
                    Referral(
                        reference=f"{REFERENCE_PREFIX}{n:06d}", status=status, infant=infant,
                        referrer=referrer, referrer_name="Bench Referrer",
                        referrer_profession="health_visitor", submitted_at=noon(received),
                        submitted_by=referrer, relationship_indicators=5, emotional_indicators=5,
                        cognitive_indicators=5,
                        decided_at=noon(decided) if decided else None,
                        decided_by=member if decided else None,
                        allocated_to=member if started or status == "accepted" else None,
                        allocated_at=noon(decided) if started or status == "accepted" else None,
                        treatment_started_on=started, closed_on=closed,
                        close_reason="treatment_completed" if closed else "",
                        decline_reason="another_service" if status == "declined" else "",
                        signposted_other="Bench Support Service" if status == "declined" else "",
                        decision_explanation="Synthetic." if status == "declined" else "",
                        withdraw_reason="Synthetic." if status == "withdrawn" else "",
                    )
                )  # fmt: skip
            Referral.objects.bulk_create(referrals)
            appointments = []
            for n, referral, (*_facts, visits) in zip(numbers, referrals, plans, strict=True):
                for i, (day, purpose, attendance) in enumerate(visits):
                    done = attendance != "booked"
                    appointments.append(
                        Appointment(
                            referral=referral, on=day, time=datetime.time(9 + i),
                            purpose=purpose, mode=MODES[(n + i) % len(MODES)],
                            attendance=attendance, booked_by=members[0],
                            booked_at=noon(min(day, today)),
                            cancelled_on=day if attendance == "clinic_cancelled" else None,
                            outcome_by=members[0] if done else None,
                            outcome_at=noon(min(day, today)) if done else None,
                        )
                    )  # fmt: skip
            Appointment.objects.bulk_create(appointments)
            staff_links.objects.bulk_create(
                staff_links(appointment_id=a.pk, user_id=members[a.pk % len(members)].pk)
                for a in appointments
            )

    month = Month.of(today).previous()

    def timed(build):
        times, queries = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                build(month)
                times.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
        return statistics.median(times), max(queries)

    def slowest(build, count=3):
        with CaptureQueriesContext(connection) as captured:
            build(month)
        ranked = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        for query in ranked[:count]:
            print(f"    {float(query['time']):.3f} s  {query['sql'][:150]}")

    results = {}
    keep = os.environ.get("BENCH_KEEP") == "1"  # keep the rows between runs (a profiling aid)
    seeded = Referral.objects.filter(reference__startswith=REFERENCE_PREFIX).count()
    if not keep or seeded not in (0, LARGE):
        clean_up()
        seeded = 0
    try:
        for size, (first, last) in ((SMALL, (0, SMALL)), (LARGE, (SMALL, LARGE))):
            if seeded < last:
                started = time.perf_counter()
                seed(first, last)
                print(f"Seeded {size:,} referrals ({size * APPOINTMENTS_EACH:,} appointments) "
                      f"in {time.perf_counter() - started:.0f} s.")  # fmt: skip
            elif size == SMALL:
                continue  # kept from an earlier run at the large size only
            results[size] = {"month": timed(MonthReport.build), "trends": timed(trend_tables)}
            for what, (seconds, queries) in results[size].items():
                print(f"  {what:<7} p50 {seconds:6.3f} s, {queries} queries")
            if size == LARGE:
                print("  the slowest queries of the month's report:")
                slowest(MonthReport.build)
                print("  and of the trends:")
                slowest(trend_tables)
            if os.environ.get("BENCH_PROFILE") == "1" and size == LARGE:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.runcall(MonthReport.build, month)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    finally:
        if not keep:
            clean_up()
    results.setdefault(SMALL, results[LARGE])

    month_s, month_q = results[LARGE]["month"]
    trends_s, trends_q = results[LARGE]["trends"]
    goals = [
        (f"month at {LARGE:,} under {MONTH_GOAL} s", month_s < MONTH_GOAL),
        (f"trends at {LARGE:,} under {TRENDS_GOAL} s", trends_s < TRENDS_GOAL),
        ("month: the same queries at both sizes", month_q == results[SMALL]["month"][1]),
        ("trends: the same queries at both sizes", trends_q == results[SMALL]["trends"][1]),
    ]
    print(f"The report for {month.label}:")
    for words, met in goals:
        print(f"  {'MET   ' if met else 'MISSED'} {words}")
    return 0 if all(met for _words, met in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
