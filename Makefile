# onrecord: the two commands of the README, and a few helpers.
#   make demo   set up (virtual environment, package, spaCy model) and run the main job on the example
#   make test   set up and run the whole test suite
#   make check  set up and run the fast part of the suite (not the tests marked slow)
#   make lint   ruff (lint and format) over src, tests, bench and fuzz, and mypy over src

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= out/demo.db

.PHONY: setup demo test check lint bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "onrecord needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/onrecord analyze examples/harbour-spill.txt
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN)/onrecord ingest examples/ --db $(DEMO_DB)
	$(BIN)/onrecord articles --db $(DEMO_DB)
	$(BIN)/onrecord statements --db $(DEMO_DB) --speaker Keller
	$(BIN)/onrecord reversals --db $(DEMO_DB)

test: setup
	$(BIN)/python -m pytest

# the fast part on every core (pytest-xdist): 83 s on this 2-core machine, 143 s in one process
check: setup
	$(BIN)/python -m pytest -m "not slow" -n auto

lint: setup
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/ruff format --check src tests bench fuzz
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/extract_eval.py ../shared/eval/extract out/extract_pred.jsonl
	python3 ../shared/eval/score_extract.py out/extract_pred.jsonl
	$(BIN)/python bench/dedupe_calibration.py ../shared/eval/extract
	$(BIN)/python bench/ingest_throughput.py ../shared/eval/extract

clean:
	rm -rf $(VENV) out .pytest_cache
