"""The fault tests (issue 17, point 4): `make test-faults`, i.e. `python -m tests.faults`.

They bring up the production-like set-up of `make prod-local` (scripts/prod_local.py: HAProxy
with TLS, two gunicorn app servers, two email workers, a mail sink) on ports of their own and
on a PostgreSQL cluster of their own, made afresh in a temporary folder each run (one of them
restarts it, which must not disturb anything else on the machine), break it in the ways a
health board's servers break, and check through the load balancer that nothing was lost or done
twice. Each prints what it did and what it measured; the run fails if any fails.
tests/integration/test_faults.py runs the whole thing inside `make test`.
"""
