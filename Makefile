# Atiende: `make run` serves the site with demo data; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address certificates (QR code, printed URL) and admin e-mails point to.
PUBLIC_URL ?= http://$(HOST):$(PORT)
RUN_ENV := ATIENDE_PUBLIC_BASE_URL=$(PUBLIC_URL) WAGTAILADMIN_BASE_URL=$(PUBLIC_URL)
WORKER_LOG := var/log/worker.log
# The task worker of the configured backend (`make worker`, and beside `make run`):
# with REDIS_URL an RQ worker, whose scheduler runs the deferred tasks (attempt
# deadlines, render retries), as many as needed on any machine; else the database's.
WORKER_COMMAND = $(if $(REDIS_URL),rqworker --with-scheduler default,db_worker --queue-name "*")
PROD_ENV := DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=throwaway-check-deploy-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=atiende.example.org

.PHONY: run test lint bench load install install-test lock worker messages clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files in requirements/ (exact versions and hashes,
# made from pyproject.toml by `make lock`), then the project itself without deps.
# xstatic-bootstrap is only published as an sdist whose setup needs pkg_resources,
# which setuptools 81 dropped: build.txt pins an older setuptools, and the locked
# sets are installed without build isolation so that one builds with it.
$(VENV)/.build-installed: requirements/build.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/build.txt
	touch $@

$(VENV)/.base-installed: requirements/base.txt pyproject.toml $(VENV)/.build-installed
	$(BIN)/pip install --quiet --require-hashes --no-build-isolation \
		-r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-installed: requirements/test.txt $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes --no-build-isolation \
		-r requirements/test.txt
	touch $@

# Regenerate the lock files from pyproject.toml with uv (from PyPI, into .venv).
# Versions already locked are kept unless pyproject.toml rules them out; pass
# LOCK_ARGS=--upgrade (or --upgrade-package NAME) to move to newer releases.
# test.txt is resolved first and constrains base.txt, so both agree.
UV_VERSION := 0.13.9
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(LOCK_ARGS)
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV_COMPILE) requirements/build.in -o requirements/build.txt
	$(UV_COMPILE) pyproject.toml --extra test -o requirements/test.txt
	$(UV_COMPILE) pyproject.toml -c requirements/test.txt -o requirements/base.txt

# axe-core for the browser tests' accessibility audits (tests/e2e/axe.py), from
# the npm package pinned in package.json and package-lock.json.
node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed node_modules/.package-lock.json

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_initial_data --demo
	@mkdir -p $(dir $(WORKER_LOG))
	@echo "Serving $(PUBLIC_URL)/ (background task worker running alongside, log in $(WORKER_LOG))"
	@$(RUN_ENV) $(BIN)/python manage.py $(WORKER_COMMAND) >$(WORKER_LOG) 2>&1 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(RUN_ENV) $(BIN)/python manage.py $(WORKER_COMMAND)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test lint
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest

bench: install-test
	$(BIN)/python tests/bench/bench_grading.py
	$(BIN)/python tests/bench/bench_pdf.py
	$(BIN)/python tests/bench/bench_bulk_zip.py
	$(BIN)/python tests/bench/bench_dc3.py
	$$(command -v taskset >/dev/null && echo taskset -c 0) \
		$(BIN)/python tests/bench/bench_roster.py
	$(BIN)/python tests/bench/bench_dashboards.py
	$(BIN)/python tests/bench/bench_pages.py
	$(BIN)/python tests/bench/bench_attempts.py

# The load test (tests/load/storm.py; not part of `make test`): gunicorn with
# LOAD_WORKERS sync workers and the task worker on PostgreSQL, 200 learners' start
# and submit storm, then steady takers; prints the latency table and the
# reconciliation, exits non-zero on any error or lost answer. Without DATABASE_URL
# it runs on a scratch database, atiende_load, made anew each time.
# More options: make load LOAD_ARGS="--learners 50 --steady-seconds 30" (see --help).
LOAD_DB := atiende_load
LOAD_WORKERS ?= 4
LOAD_ARGS ?=
LOAD_ENV = DATABASE_URL=$(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/$(LOAD_DB)) \
	DJANGO_SETTINGS_MODULE=tests.load.settings
load: install-test
	@if [ -z "$(DATABASE_URL)" ]; then \
		dropdb -h 127.0.0.1 -U postgres --if-exists $(LOAD_DB) && \
		createdb -h 127.0.0.1 -U postgres $(LOAD_DB); \
	fi
	$(LOAD_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(LOAD_ENV) $(BIN)/python manage.py load_initial_data -v 0
	$(LOAD_ENV) $(BIN)/python tests/load/storm.py --workers $(LOAD_WORKERS) \
		--worker-command '$(WORKER_COMMAND)' $(LOAD_ARGS)

# English from site/locale/en; the source language's own catalogue
# (site/locale/es_MX) translates each string to itself with GNU gettext's
# msgen, so it changes no text: Django then finds a Spanish string in its first
# catalogue instead of missing through every installed package's (README,
# "Language").
SOURCE_PO = site/locale/es_MX/LC_MESSAGES/django.po
messages: install
	$(BIN)/python manage.py makemessages -l en --keep-pot --ignore=.venv \
		--ignore=staticfiles --ignore=node_modules
	mkdir -p $(dir $(SOURCE_PO))
	msginit --no-translator --no-wrap -l es_MX.UTF-8 -i site/locale/django.pot -o - \
		| sed 's/PACKAGE VERSION/Atiende/' \
		| msgen --no-wrap --no-location -o $(SOURCE_PO) -
	rm site/locale/django.pot
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles var

# The README's screenshots (docs/screenshots/home.png, lesson.png, result.png):
# a temporary database with the seeded demo, served on a free local port and
# photographed in Chromium at 1280 px. SCREENSHOTS_ARGS="--database db.sqlite3"
# starts from a copy of an already seeded database instead (quicker).
SCREENSHOTS_ARGS ?=
screenshots: install-test
	$(BIN)/python tests/e2e/screenshots.py $(SCREENSHOTS_ARGS)
