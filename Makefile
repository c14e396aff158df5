# Two commands a new user needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: serve test fuzz bench bench-quick bench-memory stall lint migrate seed fixtures venv clean evaluate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the requirements change. The server's own are requirements.txt (what a
# production install takes); the tests and lint tools are on top, in requirements-dev.txt.
$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

# Loads the fixtures into a new database; an existing one keeps its edits.
seed: migrate
	$(BIN)/python manage.py seed

# Reloads the fixtures over whatever is there.
fixtures: migrate
	$(BIN)/python manage.py loaddata fixtures/*.json

serve: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every API operation fuzzed far longer than `make test` does, with fresh random seeds each run, then
# schemathesis' stateful phase: FUZZ_EXAMPLES scenarios of up to 10 linked requests.
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_STATEFUL_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 \
		FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/python -m pytest tests/test_fuzz.py -p no:cacheprovider $(PYTEST_ARGS)

# The API against its floor and, on SQLite, Datasette (installed into bench/results/datasette-venv):
# repeated and never-repeated URLs, count cache on and off, SQLite and PostgreSQL, 10k and 1M statements
# (bench/README.md). Generates each database once (minutes at 1M), then about two hours of load.
# Installs wrk. Then the expensive anonymous reads of issue #11 at 300k statements on PostgreSQL.
BENCH_ARGS ?=
bench: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -q wrk || sudo apt-get install -y -q wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.expensive

# The same mix, short: one round of 2 s per target on the 1M SQLite file, no warm-up, no full exports
# (4–5 minutes once the file exists, on a busy machine; generating it first takes about 7).
QUICK_ARGS ?= --backends sqlite --sizes 1000000 --duration 2 --warmup 0 --rounds 1 --no-export
bench-quick: $(STAMP)
	@command -v wrk >/dev/null || apt-get install -y -q wrk || sudo apt-get install -y -q wrk
	$(BIN)/python -m bench.run $(QUICK_ARGS)

# One worker's memory at rest, after ordinary reads, during a full export and after the schema, from a
# production install (requirements.txt only) and from .venv, at 1M statements (bench/memory.py).
MEMORY_ARGS ?=
bench-memory: $(STAMP)
	$(BIN)/python -m bench.memory $(MEMORY_ARGS)

# Stalled CSV exports against gunicorn: ordinary requests timed while they stall (bench/stall.py).
STALL_ARGS ?=
stall: $(STAMP)
	$(BIN)/python -m bench.stall $(STALL_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# How good the suggestions from a source's text are (issue #15): the fixtures' article and the
# articles of tests/suggest_corpus/ against their answer keys, as two tables (no database).
evaluate: $(STAMP)
	$(BIN)/python -m bench.evaluate $(EVALUATE_ARGS)
