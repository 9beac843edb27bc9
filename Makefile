# `make run` serves the archive with debug on (a development server); `make serve` as in
# production (gunicorn, debug off: docs/deploying.md); `make test` lints and tests on SQLite,
# then on PostgreSQL when one answers on localhost.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/archive
HOST ?= 127.0.0.1
PORT ?= 8000
# The benchmarks, their commands and the search benchmark's Django peer (benchmarks/) are
# installed by their settings only.
BENCH_SETTINGS := benchmarks.settings

.PHONY: run dev-server serve install install-dev migrate seed superuser test lint format \
	test-sqlite test-postgres browser bench bench-ingest bench-stages bench-search bench-pages \
	loadtest replica replica-stop fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: pip runs again only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The development commands run with debug on unless told otherwise.
run dev-server migrate seed superuser: export DJANGO_DEBUG ?= 1
run: install migrate seed dev-server

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: install
	$(BIN)/python manage.py load_seeds

dev-server: install
	@echo "Development server (DJANGO_DEBUG=1) at http://$(HOST):$(PORT)/ - not for production."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: debug off, so DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be given; the
# workers, threads and address are config/gunicorn.py's (WEB_CONCURRENCY, GUNICORN_THREADS,
# GUNICORN_BIND).
serve: export DJANGO_DEBUG = 0
serve: export GUNICORN_BIND ?= $(HOST):$(PORT)
serve: install
	$(BIN)/python manage.py check --deploy --fail-level ERROR
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py migrate --noinput
	exec $(BIN)/gunicorn --config config/gunicorn.py config.wsgi

superuser: install
	$(BIN)/python manage.py createsuperuser

test: lint test-sqlite test-postgres

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	@# The benchmarks' settings add the search benchmark's peer and its migrations.
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run --settings=$(BENCH_SETTINGS)

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-sqlite: install-dev
	@echo "== Tests on SQLite"
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

# REQUIRE_POSTGRES=1 turns "no PostgreSQL here" from a notice into a failure (CI sets it).
test-postgres: install-dev
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(POSTGRES_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Tests on PostgreSQL ($(POSTGRES_URL))"; \
		DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES) but does not answer at $(POSTGRES_URL)."; \
		exit 1; \
	else \
		echo "== SKIPPED the PostgreSQL run: nothing answers at $(POSTGRES_URL)."; \
	fi

# Benchmarks (never part of `make test`): BENCH_ARTICLES=10000 make bench for a quick run.
# Each run adds its table to a dated record under docs/benchmarks.
BENCH_ARTICLES ?= 100000
bench: bench-ingest bench-search bench-pages

bench-ingest: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py bench_ingest --settings=$(BENCH_SETTINGS) --articles $(BENCH_ARTICLES)

# Where a load's processor time goes, stage by stage, in one process (not part of `bench`).
BENCH_STAGES_ARTICLES ?= 20000
bench-stages: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py bench_ingest --settings=$(BENCH_SETTINGS) --stages --articles $(BENCH_STAGES_ARTICLES)

# The corpus is loaded once per size and database and kept under var/bench.
bench-search: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py bench_search --settings=$(BENCH_SETTINGS) --articles $(BENCH_ARTICLES)

# The reader's pages, cold and warm, on a corpus of their own with topics and events (kept
# under var/bench like the search benchmark's).
bench-pages: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py bench_pages --settings=$(BENCH_SETTINGS) --articles $(BENCH_ARTICLES)

# The load test (docs/performance.md): the pages benchmark's corpus served by `make serve` on
# PostgreSQL and driven by wrk, from Debian's packages, while the loader adds articles.
LOADTEST_SECONDS ?= 60
loadtest: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	DJANGO_DEBUG=1 $(BIN)/python manage.py loadtest --settings=$(BENCH_SETTINGS) --articles $(BENCH_ARTICLES) --seconds $(LOADTEST_SECONDS)

# A streaming read replica of the local PostgreSQL cluster (127.0.0.1:5432) on
# 127.0.0.1:$(REPLICA_PORT), its copy in var/replica; then set
# DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:$(REPLICA_PORT)/archive. replica-stop
# stops it and removes the copy (docs/scaling.md#read-replicas).
REPLICA_PORT ?= 5433
replica:
	scripts/replica.sh start var/replica $(REPLICA_PORT)

replica-stop:
	scripts/replica.sh stop var/replica

# Every public URL, the API and the admin's lists fuzzed with FUZZ_EXAMPLES requests in all
# (tests/test_fuzz.py; `make test` sends ARCHIVE_FUZZ_EXAMPLES' default), on SQLite, then on
# PostgreSQL when one answers, as test-postgres does.
FUZZ_EXAMPLES ?= 10000
FUZZ_TEST := $(BIN)/pytest tests/test_fuzz.py -q -p no:cacheprovider
fuzz: install-dev
	@echo "== Fuzz on SQLite ($(FUZZ_EXAMPLES) requests)"
	DATABASE_URL= ARCHIVE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(FUZZ_TEST)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(POSTGRES_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== Fuzz on PostgreSQL ($(POSTGRES_URL), $(FUZZ_EXAMPLES) requests)"; \
		DATABASE_URL=$(POSTGRES_URL) ARCHIVE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(FUZZ_TEST); \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES) but does not answer at $(POSTGRES_URL)."; \
		exit 1; \
	else \
		echo "== SKIPPED the PostgreSQL fuzz: nothing answers at $(POSTGRES_URL)."; \
	fi

# Debian's Chromium for the browser tests (Playwright cannot download its own here), and
# axe-core from npm for their accessibility scans, pinned in package-lock.json.
browser: node_modules/axe-core/.installed
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@# Chinese and Japanese glyphs for the pages as the tests and screenshots see them.
	@fc-list | grep -qi "Noto Sans CJK" || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk)

# Stamp file: npm ci runs again only when the lock changes or axe-core is missing.
node_modules/axe-core/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
