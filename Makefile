# Duban — two commands: `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
TRACKER := $(VENV)/bin/tracker
HOST    ?= 127.0.0.1
PORT    ?= 5000
# Test processes: one per core by default (`make test TEST_JOBS=0` runs in this process).
TEST_JOBS ?= auto

.PHONY: run test install install-test translations translations-update lint clean bench bench-city bundle

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

# Compiled catalogs (.mo) are build output: never committed, always rebuilt here.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d tracker/translations

# Links in e-mails and calendar feeds follow HOST and PORT unless TRACKER_BASE_URL is set.
run: export TRACKER_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(TRACKER) db upgrade
	$(TRACKER) demo load --if-new
	@echo "Starting the scheduler (reminders, e-mail) beside the web server; Ctrl+C stops both."
	$(TRACKER) scheduler & SCHEDULER=$$!; \
	trap 'kill $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	$(TRACKER) serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n $(TEST_JOBS)

# The offline bundle (wheels of Duban and every dependency, Debian package list, install script)
# for an intranet with no package index; see README.
bundle: install-test
	scripts/bundle.sh $(VENV)/bin/python dist

clean:
	rm -rf $(VENV) .pytest_cache

# Re-extract the source strings and merge them into the Chinese catalog.
translations-update: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o tracker/translations/messages.pot .
	$(VENV)/bin/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

# Duban beside a bare Flask + sqlite3 page on N synthetic tasks (default 100,000); see
# scripts/bench/run.py. N=10000 SECONDS_PER=5 make bench for a quick run; DB=postgresql for
# the same on PostgreSQL (a database duban_bench on 127.0.0.1).
N ?= 100000
SECONDS_PER ?= 10
DB ?= sqlite
bench: install
	$(PIP) install -q -e ".[prod]" 2>/dev/null
	N=$(N) SECONDS_PER=$(SECONDS_PER) DB=$(DB) $(PY) scripts/bench/run.py

# The city at scale on PostgreSQL: 50 bureaus × 2,000 tasks, 2,500 accounts, 50 users for 60 s.
bench-city: install
	$(PIP) install -q -e ".[prod]" 2>/dev/null
	$(PY) scripts/bench/city.py
