# Quick start: `make serve` (install, migrate, load the demo, serve on http://127.0.0.1:5000)
# and `make test` (the whole test suite). See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := conference

# Every package comes from the lock files, pinned with hashes, and as a wheel: nothing is compiled,
# so no system library is needed. `make lock` regenerates them (below).
PIP_LOCKED := $(BIN)/python -m pip install --quiet --require-hashes --only-binary :all:

.PHONY: serve test lint install install-prod wheel lock worker messages translations clean

define new_venv
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
endef

# Development: the app and what the tests and `make lint` need, from requirements-test.lock; then
# the project itself, editable, built by the locked setuptools.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-test.lock
	$(new_venv)
	$(PIP_LOCKED) -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The French and Spanish catalogues are compiled here (the .mo files are built, not committed).
CATALOGUES := $(wildcard conference/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

install: $(VENV)/.installed $(COMPILED)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(COMPILED)

# Production: only what the app needs, from requirements.lock, then the app (not editable).
# `make install-prod VENV=/srv/conference/venv` installs elsewhere. From a wheel (`make wheel`):
# `pip install --require-hashes --only-binary :all: -r requirements.lock` and
# `pip install --no-deps conference-*.whl`; README, Production.
install-prod:
	$(new_venv)
	$(PIP_LOCKED) -r requirements.lock
	$(BIN)/pybabel compile -d conference/translations
	rm -rf build  # setuptools would carry files deleted since an earlier build into this one
	$(BIN)/python -m pip install --quiet --no-deps .

# The wheel to deploy, in dist/: the app with its templates, static files and migrations.
wheel: install
	rm -rf build
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w dist .

# Regenerate the lock files from pyproject.toml, for Python 3.11 on Linux x86_64, wheels only,
# with hashes; versions already locked are kept unless LOCK_ARGS=--upgrade (or
# LOCK_ARGS="--upgrade-package flask"). The tests' lock keeps the production pins.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --only-binary :all: --generate-hashes \
	--emit-build-options --custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(VENV)/.installed
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra test -c requirements.lock -o requirements-test.lock

serve: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Tests run on every core (pytest-xdist); PYTEST_ARGS adds to that, e.g. PYTEST_ARGS="-n 0 -x tests/cfp".
test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# Style, layering and types: ruff, import-linter (contracts in pyproject.toml) and mypy. CI runs it first.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

worker: $(VENV)/.installed
	$(BIN)/flask outbox work

# Extract every translatable string into messages.pot and merge the new and changed ones into the
# French and Spanish catalogues (conference/translations/<lang>/LC_MESSAGES/messages.po), where
# translators fill them in; `make translations` (and `make install`) compiles them. A test fails
# while any message is untranslated, fuzzy, or has placeholders that differ from the English.
# --ignore-dirs '.*': pybabel skips folders starting with _ by default, and the shared macros live in
# templates/_macros.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.*' --sort-by-file -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d conference/translations -w 100

clean:
	rm -rf $(VENV) .pytest_cache build dist
