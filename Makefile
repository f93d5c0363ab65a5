# tbtwatch: `make run` starts the service on the embedded SQLite database; `make test`
# runs the suite on SQLite, then on PostgreSQL when TBTWATCH_TEST_DATABASE_URL is set.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install bench clean

# Packages go in through uv, which installs the project from a cold cache in about ten
# seconds where pip takes about three minutes (spaCy, Scrapy and their dependencies).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv

# One stamp per set of extras, remade when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[test,bench]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/tbtwatch db upgrade
	$(BIN)/tbtwatch serve

# The page tests drive Debian's chromium: scripts/ensure-browser installs it (root with apt-get)
# or stops, naming the packages to install.
test: $(VENV)/.installed-test
	@scripts/ensure-browser
	@echo "=== ruff (lint and format) ==="
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "=== tbtwatch tests on SQLite ==="
	env -u TBTWATCH_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$TBTWATCH_TEST_DATABASE_URL" ]; then \
		echo "=== tbtwatch tests on PostgreSQL ==="; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

bench: $(VENV)/.installed-test
	for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .pytest_cache
