# The two commands of the README:
#   make book   -- set up .venv and assets if needed, execute every notebook, build _build/html
#   make test   -- set up, then scripts/run_tests.py: HTML from committed outputs, one pytest
#                  session (lib tests + doctests, ruff, notebook guards, nbval, browser check),
#                  and nbval again under an emulated older CPU
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PYTEST_NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
CHAPTERS ?=

.PHONY: help env book html test unit nbval nbval-old-cpu lint execute paper seeds pdf check clean

help:
	@echo "make book     build the whole book (executes every notebook) into _build/html"
	@echo "make test     run every test: unit, nbval, HTML build, browser check"
	@echo "make execute  re-execute the chapter notebooks in place (refresh committed outputs)"
	@echo "make paper    run every chapter at paper scale (paper_scale.yml) into _build/paper/"
	@echo "make unit     tests of lib/ and its doctests only"
	@echo "make nbval    nbval over every chapter; make nbval-old-cpu: the same under an emulated older CPU"
	@echo "make clean    remove build outputs (keeps .venv and node_modules)"

env: $(VENV)/.installed _vendor/.installed

$(VENV)/.installed: requirements.txt pyproject.toml scripts/check_python.py
	@$(PYTHON) scripts/check_python.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -r requirements.txt
	$(PIP) install --quiet --no-deps -e .
	@touch $@

_vendor/.installed: package.json package-lock.json scripts/vendor_assets.py $(VENV)/.installed
	@command -v npm >/dev/null || { echo "npm is required to fetch MathJax and the widget manager (apt-get install npm)"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(PY) scripts/vendor_assets.py
	@touch $@

book: env
	$(PY) scripts/build_html.py --execute force

html: env
	$(PY) scripts/build_html.py --execute off

# Exactly what the README says: the tests of lib/ (tests/test_*.py) and lib/'s doctests.
unit: env
	$(PY) -m pytest lib tests --ignore=tests/book

nbval: env
	$(PY) -m pytest $(PYTEST_NBVAL) book

nbval-old-cpu: env
	$(PY) scripts/run_tests.py --only old-cpu

lint: env
	$(PY) -m ruff check .

execute: env
	$(PY) scripts/execute_notebooks.py book

# make paper CHAPTERS="03 08" runs a subset (the paper-scale scorecard then shows only their claims).
paper: env
	$(PY) scripts/run_paper_scale.py $(CHAPTERS)

# Multi-seed sweep on dask.distributed; options via SEEDS_ARGS, e.g.
#   make seeds SEEDS_ARGS="-S 20 --chapters 04 07 --scale paper --scheduler tcp://host:8786"
seeds: env
	PYTHONPATH=$(CURDIR) $(PY) scripts/seeds.py $(SEEDS_ARGS)

check: env
	$(PY) scripts/ensure_chromium.py

test: env
	$(PY) scripts/run_tests.py

# One PDF of the whole book (_build/pdf/book.pdf) from the committed outputs, then its check.
pdf: env
	$(PY) scripts/ensure_chromium.py
	$(PY) scripts/build_pdf.py --execute off
	REQUIRE_PDF_CHECK=1 $(PY) -m pytest -q -p no:cacheprovider tests/book/test_pdf.py

clean:
	rm -rf _build .pytest_cache .hypothesis .benchmarks
	find . -name __pycache__ -not -path "./.venv/*" -prune -exec rm -rf {} +
