# The two commands of the README:
#   make book   -- set up .venv and assets if needed, execute every notebook, build _build/html
#   make test   -- set up, then unit tests, nbval over every chapter, HTML from committed
#                  outputs, headless-Chromium check of every page
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PYTEST_NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help env book html test unit nbval execute paper check clean pdf

help:
	@echo "make book     build the whole book (executes every notebook) into _build/html"
	@echo "make test     run every test: unit, nbval, HTML build, browser check"
	@echo "make execute  re-execute the chapter notebooks in place (refresh committed outputs)"
	@echo "make paper    run every chapter at paper scale (paper_scale.yml) into _build/paper/"
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

unit: env
	$(PY) -m pytest tests

nbval: env
	$(PY) -m pytest $(PYTEST_NBVAL) book

execute: env
	$(PY) scripts/execute_notebooks.py book

paper: env
	$(PY) scripts/run_paper_scale.py

check: env
	$(PY) scripts/ensure_chromium.py

test: env
	$(PY) scripts/ensure_chromium.py
	$(PY) scripts/build_html.py --execute off
	REQUIRE_BROWSER_CHECK=1 $(PY) -m pytest $(PYTEST_NBVAL)

# One PDF of the whole book (_build/pdf/book.pdf) from the committed outputs, then its check.
pdf: env
	$(PY) scripts/ensure_chromium.py
	$(PY) scripts/build_pdf.py --execute off
	REQUIRE_PDF_CHECK=1 $(PY) -m pytest -q -p no:cacheprovider tests/book/test_pdf.py

clean:
	rm -rf _build .pytest_cache .hypothesis .benchmarks
	find . -name __pycache__ -not -path "./.venv/*" -prune -exec rm -rf {} +
