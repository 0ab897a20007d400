# assess — year-end assessment of working groups.
# `make` (or `make help`) lists the targets. Every target sets up what it needs by itself.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSSTAMP := $(VENV)/.system-packages
# Debian packages the reports need: a CJK font (Chinese text in charts and PDFs), Pango and
# HarfBuzz for WeasyPrint's PDFs, Chromium for the browser test of the reports, poppler-utils
# (pdftotext, pdftoppm) for the tests that read a PDF's words back and for the docs' pictures.
SYSTEM_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium poppler-utils

.DEFAULT_GOAL := help
.PHONY: help demo test test-fast lint docs docs-images lab lock clean system
# pytest-xdist workers for the test targets: one per core; `make test JOBS=0` runs in one process
JOBS ?= auto
# How the test targets run pytest. PYTHONDONTWRITEBYTECODE is emptied (some shells set it): with
# it every worker and every `assess` a test starts compiles the sources and re-rewrites the test
# modules again, seconds of CPU each time; __pycache__/ is ignored by git. The Hypothesis profile
# (tests/_support/hypothesis_profiles.py): `ci` tries every example, `dev` a fifth of them. A test
# module is one unit of work, and the workers take the longest first (tests/_support/longest_first.py).
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --no-loadscope-reorder

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: /\t/'

## demo: generate the sample year and run the whole assessment in Chinese, with PDFs (reports/demo/)
demo: $(STAMP)
	$(BIN)/assess demo --out reports/demo --lang zh --pdf

## test: check style (ruff), formatting (ruff format) and types (mypy), then every test and docstring example, in parallel
test: lint docs
	ASSESS_HYPOTHESIS_PROFILE=ci $(PYTEST)

## test-fast: the tests not marked slow and the docstring examples, fewer Hypothesis examples, in parallel (no lint; under 2 minutes)
test-fast: $(STAMP)
	ASSESS_HYPOTHESIS_PROFILE=dev $(PYTEST) -m "not slow"

## lint: ruff check, ruff format --check and mypy (configured in pyproject.toml), no test run
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## docs: build the documentation site into site/ (strict: a broken link or a page left out fails)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

## docs-images: redraw the documentation's pictures from the sample year (docs/images/)
docs-images: $(STAMP)
	$(BIN)/python docs/_scripts/make_images.py

## lab: register this environment as the Jupyter kernel "assess" and open JupyterLab on notebooks/
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name assess --display-name "Python (assess)"
	$(BIN)/jupyter lab notebooks/

## system: install the Debian packages the reports need (as root; skipped elsewhere)
system: $(SYSSTAMP)

$(SYSSTAMP): Makefile
	@mkdir -p $(VENV)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "warning: please install$$missing (Debian/Ubuntu: sudo apt-get install$$missing)"; fi
	@touch $@

# The virtual environment gets exactly the versions of requirements.lock (every extra and the dev
# tools), then assess itself; it is brought up to date when pyproject.toml or the lock changes.
$(STAMP): pyproject.toml requirements.lock | $(SYSSTAMP)
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is needed"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

## lock: re-pin requirements.lock from pyproject.toml (all extras, the dev group; any OS, Python 3.11+)
lock: $(STAMP)
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --group pyproject.toml:dev --universal \
		--python-version 3.11 --custom-compile-command "make lock" -o requirements.lock

## clean: remove generated reports and caches (keeps the environment)
clean:
	rm -rf reports/demo site .pytest_cache .ruff_cache
