# Atiende: `make run` serves the site with demo data; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PROD_ENV := DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY=throwaway-check-deploy-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=atiende.example.org

.PHONY: run test lint bench install install-test worker messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# xstatic-bootstrap is only published as an sdist whose setup needs pkg_resources,
# which setuptools 81 dropped: build it with an older setuptools, no isolation.
$(VENV)/.base-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation "xstatic-bootstrap>=5.3,<5.4"
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.base-installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_initial_data --demo
	@echo "Serving http://$(HOST):$(PORT)/ (background task worker running alongside)"
	@$(BIN)/python manage.py db_worker --queue-name "*" >/tmp/atiende-worker.log 2>&1 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py db_worker --queue-name "*"

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

messages: install
	$(BIN)/python manage.py makemessages -l en -l es_MX --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
