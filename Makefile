# The README names two commands: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m cli.demo

test: $(STAMP)
	$(BIN)/ruff check ledger projections cli tests
	$(BIN)/mypy ledger projections
	$(BIN)/pytest -q

docs: $(STAMP)
	$(BIN)/python -m cli.docgen > docs/commands.md

clean:
	rm -rf $(VENV) owl.db .pytest_cache .mypy_cache .ruff_cache
