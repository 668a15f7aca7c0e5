# The README names two commands: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint docs clean bench soak

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# The Innotrac replay: a fresh SQLite ledger from data/innotrac/events.jsonl, then the state on
# 24 Nov 2003 (and 20 Nov, under Amendment No. 2's 25% cap), the timeline, the chain digest, and
# the chart and the audit report as files (demo-chart.png is docs/innotrac-chart.png).
DEMO_DB ?= demo.db
# Recorded at a fixed instant, the demo's chain is the same on every machine: its digest is below
# (and in the README; tests/test_demo_digest.py keeps both honest).
DEMO_RECORDED_AT = 2003-11-25T00:00:00Z
DEMO_DIGEST = 10:d7b576b22baf5c342c639cf30fb802dee98cbcec95afe150385c89c3c744fed3
OWL      = $(BIN)/owl --db sqlite:///$(DEMO_DB)

demo: $(STAMP)
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@echo '$$ owl init' && $(OWL) init
	@echo '$$ owl ingest data/innotrac/events.jsonl --recorded-at $(DEMO_RECORDED_AT)'
	@$(OWL) ingest data/innotrac/events.jsonl --recorded-at $(DEMO_RECORDED_AT)
	@echo && echo '$$ owl status --issuer INOC --as-of 2003-11-24'
	@$(OWL) status --issuer INOC --as-of 2003-11-24
	@echo && echo '$$ owl status --issuer INOC --as-of 2003-11-20'
	@$(OWL) status --issuer INOC --as-of 2003-11-20
	@echo && echo '$$ owl explain --issuer INOC --person "IPOF Fund" --as-of 2003-11-24'
	@$(OWL) explain --issuer INOC --person "IPOF Fund" --as-of 2003-11-24
	@echo && echo '$$ owl timeline --issuer INOC'
	@$(OWL) timeline --issuer INOC
	@echo && echo '$$ owl verify --expect $(DEMO_DIGEST)'
	@$(OWL) verify --expect $(DEMO_DIGEST)
	@echo && echo '$$ owl chart --issuer INOC -o demo-chart.png'
	@$(OWL) chart --issuer INOC -o demo-chart.png
	@echo && echo '$$ owl report --issuer INOC --as-of 2003-11-24 -o demo-report.html'
	@$(OWL) report --issuer INOC --as-of 2003-11-24 -o demo-report.html

test: $(STAMP)
	$(BIN)/ruff check owl ledger projections cli brokers tests bench
	$(BIN)/mypy -p owl
	$(BIN)/pytest -q

# The benchmark (never part of `make test`): N = 10k, 100k and 1M, 3 runs each, SQLite and the
# PostgreSQL server named by OWL_TEST_POSTGRES_URL; then SEC import (10,000 filings); then owl
# follow against owl ingest and its publish-to-visible latency (NATS); results as Markdown for
# bench/RESULTS.md.
BENCH_PG ?= $(or $(OWL_TEST_POSTGRES_URL),postgresql+psycopg://postgres@127.0.0.1:5432/test)
bench: $(STAMP)
	$(BIN)/python -m bench.run --postgres $(BENCH_PG)
	$(BIN)/python -m bench.sec --filings 10000 --per-process 1000
	$(BIN)/python -m bench.follow --messages 20000 --latency 300
	$(BIN)/python -m bench.views --sizes 10000,100000,1000000 --runs 3

# The fault soak (never part of `make test`, which runs a few rounds of each fault): kill -9
# during ingest, concurrent writers and readers, PostgreSQL connections dropped mid-batch, and the
# input fuzzer, on SQLite and PostgreSQL, many times each; its figures go in docs/reliability.md.
OWL_SOAK_KILLS  ?= 100
OWL_SOAK_ROUNDS ?= 20
OWL_SOAK_DROPS  ?= 50
OWL_SOAK_FUZZ   ?= 2000
soak: $(STAMP)
	OWL_REQUIRE_POSTGRES=1 OWL_SOAK_KILLS=$(OWL_SOAK_KILLS) OWL_SOAK_ROUNDS=$(OWL_SOAK_ROUNDS) \
	OWL_SOAK_DROPS=$(OWL_SOAK_DROPS) OWL_SOAK_FUZZ=$(OWL_SOAK_FUZZ) \
	$(BIN)/pytest -m soak -s -q -p no:cacheprovider

docs: $(STAMP)
	$(BIN)/python -m owl.cli.docgen > docs/commands.md

clean:
	rm -rf $(VENV) owl.db demo.db demo-chart.png demo-report.html .pytest_cache .mypy_cache .ruff_cache
