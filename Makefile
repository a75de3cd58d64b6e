# The README's commands. `make run` and `make test` do all the set-up on a fresh machine.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/medgen
export REDIS_URL    ?= redis://127.0.0.1:6379/0
HOST    ?= 127.0.0.1
PORT    ?= 8000
BENCH_N ?= 100000
# The earlier engine `make bench` runs in turn with this one (scripts/bench_compare.py).
export BENCH_REF ?= 12846e5

.PHONY: venv native run worker test test-fast lint format bench redis test-tools migrate clean

# The virtualenv is rebuilt whenever a requirements file changes.
.venv/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3.11 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

venv: .venv/.installed

# The engine's hot modules compiled with mypyc (about 2x faster, same output); rebuilt
# only when an engine source changed. Without it the engine runs as plain Python.
native: venv
	@$(PY) scripts/build_native.py

redis:
	@scripts/ensure-redis.sh "$(REDIS_URL)"

test-tools:
	@scripts/ensure-test-tools.sh

migrate: venv redis
	$(PY) scripts/ensure_database.py
	$(PY) manage.py migrate --noinput

# DEBUG is off unless set; `make run` is for development, so it opts in (also for the
# migrate it runs first). DEBUG=0 make run keeps production settings.
run: export DEBUG ?= 1
run: migrate native
	@scripts/run.sh "$(HOST)" "$(PORT)"

worker: venv native redis
	$(PY) manage.py rqworker default

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: venv
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

test: lint native redis test-tools
	$(PY) -m pytest

# Engine tests only: no database, Redis or browser needed.
test-fast: native
	$(PY) -m pytest tests/engine

# The job path and the web benches need the database; migrate runs with development
# settings (no SECRET_KEY needed), the bench itself with production ones (scripts/bench.py).
bench: export DEBUG ?= 1
bench: migrate native
	$(PY) scripts/bench.py --count $(BENCH_N)

clean:
	rm -rf .venv .pytest_cache .ruff_cache bench-out .build
