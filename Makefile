# tbtwatch: `make run` starts the service on the embedded SQLite database; `make test`
# runs the suite on SQLite, then on PostgreSQL when TBTWATCH_TEST_DATABASE_URL is set.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install bench clean messages catalogue

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

# The message catalogue (translations/): .po files are the source, .mo files are built
# from them here and not committed. `make catalogue` after adding or changing a message:
# it extracts translations/messages.pot and updates each language's .po.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed-run
	$(BIN)/pybabel compile --statistics -D messages -i $< -o $@

messages: $(CATALOGUES:.po=.mo)

catalogue: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -c TRANSLATORS: --add-location=file --sort-output --no-wrap \
		--omit-header -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-wrap \
		--ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date
	$(MAKE) messages

install: $(VENV)/.installed-run messages

run: $(VENV)/.installed-run messages
	$(BIN)/tbtwatch db upgrade
	$(BIN)/tbtwatch serve

# The page tests drive Debian's chromium: scripts/ensure-browser installs it (root with apt-get)
# or stops, naming the packages to install.
test: $(VENV)/.installed-test messages
	@scripts/ensure-browser
	@echo "=== ruff (lint and format) ==="
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "=== mypy (the packages in pyproject.toml's [tool.mypy] files) ==="
	$(BIN)/mypy
	@echo "=== tbtwatch tests on SQLite ==="
	env -u TBTWATCH_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$TBTWATCH_TEST_DATABASE_URL" ]; then \
		echo "=== tbtwatch tests on PostgreSQL ==="; \
		$(BIN)/pytest $(PYTEST_ARGS); \
	fi

bench: $(VENV)/.installed-test messages
	for b in bench/*.py; do $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) var .pytest_cache
