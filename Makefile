# Two commands on a fresh machine: `make run` and `make test`. Python 3.11 required.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
export FLASK_APP := app

.PHONY: run test serve setup demo bench-checkin bench-reports bench-crash bench-pageweight bench-doorlist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) wilayah load
	$(FLASK) users ensure-admin

## make run: set up (venv, requirements, migrations, wilayah, first admin) and serve on :5000,
## with the outbox worker (`flask outbox work`) beside it; both stop together (Ctrl-C)
run: setup
	@$(FLASK) outbox work & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## make serve: production-style gunicorn (workers from CPU count); DATABASE_URL for PostgreSQL
serve: setup
	$(BIN)/gunicorn -c gunicorn.conf.py "app:create_app()"

## make demo: load the demo data (sosialisasi at PKPRI, a 4-session training, ~50 registrants)
demo: setup
	$(FLASK) demo-data

## make test: install dev requirements, lint (ruff, pyproject.toml), then the whole suite on SQLite, then PostgreSQL
## when TEST_DATABASE_URL is set (browser tests run once, when Chromium is installed)
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== Suite again on PostgreSQL: $$TEST_DATABASE_URL"; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

bench-checkin: $(VENV)/.dev-installed
	$(BIN)/python bench/checkin.py $(BENCH_ARGS)

bench-reports: $(VENV)/.dev-installed
	$(BIN)/python bench/reports.py $(BENCH_ARGS)

bench-crash: $(VENV)/.dev-installed
	$(BIN)/python bench/crash.py $(BENCH_ARGS)

bench-pageweight: $(VENV)/.dev-installed
	$(BIN)/python bench/pageweight.py $(BENCH_ARGS)

bench-doorlist: $(VENV)/.dev-installed
	$(BIN)/python bench/doorlist.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
