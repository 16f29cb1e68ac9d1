# Quick start: `make serve` (install, migrate, load the demo, serve on http://127.0.0.1:5000)
# and `make test` (the whole test suite). See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := conference

.PHONY: serve test lint install worker messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Tests run on every core (pytest-xdist); PYTEST_ARGS adds to that, e.g. PYTEST_ARGS="-n 0 -x tests/cfp".
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# Style, layering and types: ruff, import-linter (contracts in pyproject.toml) and mypy. CI runs it first.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

worker: $(VENV)/.installed
	$(BIN)/flask outbox work

# Extract every translatable string into messages.pot (for French and Spanish catalogues).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
