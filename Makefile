# The front door: a newcomer needs nothing but these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: edition test test-all bench clean setup

setup: $(STAMP)

# (Re)install when the project definition changes; editable, so edits take effect.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

## make edition: validate tei/ and write every export into build/
edition: $(STAMP)
	$(BIN)/tei-edition build tei -o build

## make test: the fast tier (no browser, no slow corpus or large-file tests), a few minutes
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

## make test-all: everything, browser and slow tests included; what .ci/run calls
test-all: $(STAMP)
	$(BIN)/python -m pytest -q

## make bench: performance figures beside their references (never part of make test)
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf build dist .pytest_cache bench/results/latest.json
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
