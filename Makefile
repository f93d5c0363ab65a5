# tbtwatch: `make run` starts the service on the embedded SQLite database; `make test`
# runs the suite on SQLite, then on PostgreSQL when TBTWATCH_TEST_DATABASE_URL is set.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/tbtwatch db upgrade
	$(BIN)/tbtwatch serve

test: $(STAMP)
	@echo "=== tbtwatch tests on SQLite ==="
	env -u TBTWATCH_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$TBTWATCH_TEST_DATABASE_URL" ]; then \
		echo "=== tbtwatch tests on PostgreSQL ==="; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .pytest_cache
