# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# the app is CPU-bound and SQLite has one writer: more processes, fewer threads each
# (measured with `make bench`: fewer lock convoys, lower p99 than 2 workers x 4 threads)
WORKERS ?= 3
THREADS ?= 2

.PHONY: run test lint pytest bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-test: $(VENV)/.test

## make run: install, migrate, seed the demo course and accounts, serve with gunicorn
run: install
	@.ci/system-deps
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT) with the job worker; mail goes to instance/mail/  (Ctrl-C to stop)"
	WEB_CONCURRENCY=$(WORKERS) $(BIN)/python -m training.notifications.supervisor \
		"$(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app" \
		"$(BIN)/flask jobs worker"

## make test: lint, then the whole suite on SQLite and on PostgreSQL (browser tests included)
test: install-test
	@.ci/system-deps
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest
	TEST_DATABASE_URL=$$(.ci/postgres) $(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check .

bench: install-test
	@.ci/system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
