# The two commands: `make run` (set up and serve the demo) and `make test` (set up, lint, test).
# Every step is a file target or a quick check, so a second run skips what is already done.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB_URL_FILE := build/database_url
DB_OWNER_URL_FILE := build/database_owner_url
CSS := build/static/css/imhs.css
# Each command that touches the database reads the URL the set-up settled on: the app role's
# (it owns nothing). Only migrate and the test suite also get the owner role's (docs/security.md).
WITH_DB = DATABASE_URL="$$(cat $(DB_URL_FILE))"
WITH_OWNER_DB = $(WITH_DB) DATABASE_OWNER_URL="$$(cat $(DB_OWNER_URL_FILE))"
# The application code bandit scans (not the tests, not migrations: see pyproject.toml).
BANDIT_PATHS := imhs patients referrals scripts bench manage.py gunicorn.conf.py

.PHONY: help run test setup lint security check-deploy fmt check-migrations db browser clean bench \
	bench-eligibility bench-pathway bench-reports bench-dashboard prod-local prod-local-down \
	test-faults

help:
	@echo "make run    set up everything and serve the demo on http://127.0.0.1:$(PORT) (PORT=8000)"
	@echo "make test   set up everything, lint, and run the whole test suite"
	@echo "make fmt    format the code"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CSS): static/scss/imhs.scss $(wildcard static/scss/_*.scss) node_modules/.installed
	npx sass --load-path=node_modules --no-source-map --style=compressed --quiet $< $@

db: $(VENV)/.installed
	@$(PY) scripts/ensure_database.py $(DB_URL_FILE) $(DB_OWNER_URL_FILE)

browser:
	@scripts/ensure_chromium.sh

setup: $(VENV)/.installed node_modules/.installed $(CSS) db
	@$(WITH_OWNER_DB) DEBUG=true $(PY) manage.py migrate --no-input -v 0

# The demo lets staff in without a second factor (every page says so in a yellow banner), so it
# can be tried without an authenticator app; SECOND_FACTOR_RELAXED=false make run asks for it.
SECOND_FACTOR_RELAXED ?= true
# `make run PORT=8001` serves there; the links it prints and emails follow (SITE_URL).
PORT ?= 8000
RUN_ENV = $(WITH_DB) DEBUG=true SECOND_FACTOR_RELAXED=$(SECOND_FACTOR_RELAXED) \
	SITE_URL=http://127.0.0.1:$(PORT)

run: setup
	@$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Bandit on the application code: every finding of medium severity and up, at any confidence.
security: $(VENV)/.installed
	$(VENV)/bin/bandit -c pyproject.toml -r $(BANDIT_PATHS) -ll -q

# Django's deployment checks with production settings (DEBUG off, random keys, https): any
# warning fails. The settings refuse to load at all with an insecure value.
check-deploy: setup
	$(WITH_DB) DEBUG=false ALLOWED_HOSTS=imhs.example.org SITE_URL=https://imhs.example.org \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		FIELD_ENCRYPTION_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet as F; print(F.generate_key().decode())')" \
		$(PY) manage.py check --deploy --fail-level WARNING

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: setup
	$(WITH_DB) DEBUG=true $(PY) manage.py makemigrations --check --dry-run

test: setup browser lint security check-deploy
	@$(WITH_DB) DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v 0 \
		|| (echo "Model changes without a migration: run manage.py makemigrations." && exit 1)
	$(WITH_OWNER_DB) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Times the postcode import on a synthetic 250,000-row directory (fails at 60 s or more).
bench: setup
	$(WITH_DB) DEBUG=true $(PY) -m bench.import_postcodes

clean:
	rm -rf build $(VENV) node_modules

bench-eligibility: setup
	$(WITH_DB) DEBUG=true $(PY) -m bench.eligibility

# The monthly report and the 13-month trends at 1,000 and 100,000 referrals (five appointments
# each): p50 times, query counts, and the issue's goals (month < 2 s, trends < 3 s, constant).
bench-reports: setup
	$(WITH_DB) DEBUG=true $(PY) -m bench.reports

# The waiting list and caseloads at 1,000 and 100,000 referrals (the open cases the same size).
bench-pathway: setup
	$(WITH_OWNER_DB) DEBUG=true $(PY) -m bench.pathway

# The service as a board runs it, on loopback: HAProxy (TLS) in front of two gunicorn app
# servers, two email workers, the local PostgreSQL; docs/operations.md. `make prod-local-down`
# stops it. State, keys, logs and the emails it sent: build/prod-local/.
prod-local: setup
	$(PY) scripts/prod_local.py up

prod-local-down:
	$(PY) scripts/prod_local.py down

# The fault tests against that set-up, on a PostgreSQL cluster of their own (restarted by one
# of them): sessions across servers, an app server and an email worker killed mid-work, the
# database restarted, two workers on one queue. Prints what it did and measured.
test-faults: setup
	$(PY) -m tests.faults

# The team's pages and the admin list at 1,000 and 100,000 referrals, served as in production
# (gunicorn, DEBUG off, sign-in with the second factor) from two databases of the benchmark's own
# beside DATABASE_URL's (as for `make setup`: a role that may create databases, by default the
# local server's): p50, p95, throughput and issue 18's goals. 10 to 15 minutes, 5 of them seeding;
# BENCH_KEEP=1 reuses the seeded databases.
bench-dashboard: setup
	$(PY) -m bench.dashboard
