# Two commands on a fresh machine:  make build  (set up and build the sample handouts)
#                                   make test   (install test tools, run every check)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test lint typecheck unit docs clean

$(BIN)/handouts: pyproject.toml
	tools/system-packages.sh build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# npm ci: axe-core for the browser tests, exactly as pinned in tests/package-lock.json.
$(VENV)/.test-installed: $(BIN)/handouts tests/package-lock.json
	tools/system-packages.sh test
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --prefix tests --no-audit --no-fund --loglevel=error
	touch $@

build: $(BIN)/handouts
	$(BIN)/handouts build

test: $(VENV)/.test-installed lint typecheck unit docs

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest

# The documentation in docs/, built strictly (strict: true in mkdocs.yml): a broken link or
# anchor, or a page missing from the nav, fails. No --quiet: it hides the warnings from the
# strict count, so a broken link would pass (mkdocs issue 4126). Same for -v and anchors.
docs: $(VENV)/.test-installed
	$(BIN)/mkdocs build --strict

clean:
	rm -rf build .site $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/node_modules
