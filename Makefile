# Each target bootstraps what it needs on a fresh Debian machine with Python 3.11 and Node 20.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
DSFR := node_modules/@gouvfr/dsfr/dist/dsfr.min.css

.PHONY: run test mutants lint format bootstrap clean

run: bootstrap
	$(FLASK) init
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

test: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# Mutation testing (not part of CI: 40 to 60 minutes on two cores). MUTANTS narrows it, e.g.
# make mutants MUTANTS='workshops.text.*'; see "Mutation testing" in the README.
MUTANTS ?=
mutants: bootstrap
	mkdir -p mutants
	# The mutated copy of the app serves the DSFR assets from next to it, like the real one.
	ln -sfn ../node_modules mutants/node_modules
	WORKSHOPS_TEST_POSTGRESQL=off WORKSHOPS_TEST_BROWSER=off $(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python -m tests.mutation.report $(MUTANTS)

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bootstrap: $(VENV)/.installed $(DSFR) instance/config.py

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) est introuvable : installez Python 3.11."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(DSFR): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm est introuvable : installez Node.js 20."; exit 1; }
	# --ignore-scripts: the DSFR's preinstall hook expects its own project scaffolding; we only serve dist/.
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

instance/config.py:
	mkdir -p instance
	umask 077 && $(PYTHON) -c "import secrets; print('SECRET_KEY = ' + repr(secrets.token_hex(32)))" > $@.tmp
	mv $@.tmp $@

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache mutants
