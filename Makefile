# gongkai: `make run` starts the demo platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO_ENV := GONGKAI_DEMO=1

.PHONY: run test lint format install demo bench clean openapi fonts locks handbook run-scaled stop-scaled

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	$(DEMO_ENV) $(BIN)/gongkai migrate --noinput
	$(DEMO_ENV) $(BIN)/gongkai demo
	$(DEMO_ENV) $(BIN)/gongkai collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/gongkai run

demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/gongkai migrate --noinput
	$(DEMO_ENV) $(BIN)/gongkai demo

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports --no-cache

# The committed API document (tests/test_contracts.py compares it with the live one).
openapi: $(STAMP)
	GONGKAI_VAR_DIR=$(CURDIR)/var/test $(BIN)/gongkai openapi -o docs/openapi.json

# The staff handbook's screenshots (docs/handbook/img/), taken again by the browser test on the
# pages as they are now, then the handbook's check (every image it shows exists, links resolve).
handbook: $(STAMP)
	GONGKAI_VAR_DIR=$(CURDIR)/var/test GONGKAI_HANDBOOK_SHOTS=$(CURDIR)/docs/handbook/img \
	  GONGKAI_REQUIRE_BROWSER=1 $(BIN)/pytest -p no:cacheprovider -q \
	  tests/browser/test_handbook_screenshots.py tests/test_handbook.py

# Rebuild the bundled PDF fonts from Noto CJK (Debian: apt-get install fonts-noto-cjk).
NOTO_DIR ?= /usr/share/fonts/opentype/noto
fonts: $(STAMP)
	$(BIN)/python -m gongkai.core.fonts.build $(NOTO_DIR)

# The three locks from pyproject.toml: dev (what `make install` and the tests use; with the
# scale-out extras, which the scale-out tests run against), production
# without test tools, production with the scale-out extras. The production locks are
# constrained by the dev lock, so production runs exactly the versions the suite ran.
UV ?= uv
locks:
	$(UV) pip compile pyproject.toml --extra dev --extra scale --python-version 3.11 --generate-hashes -o requirements.lock
	$(UV) pip compile pyproject.toml -c requirements.lock --python-version 3.11 --generate-hashes -o requirements-prod.lock
	$(UV) pip compile pyproject.toml --extra scale -c requirements.lock --python-version 3.11 --generate-hashes -o requirements-scale.lock

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

test: lint
	GONGKAI_VAR_DIR=$(CURDIR)/var/test $(BIN)/gongkai makemigrations --check --dry-run
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/gongkai bench

# --- issue 16: the scaled-out layout on this machine (core/scaled.py; docs/deploy.md) ---
run-scaled: $(STAMP)
	$(DEMO_ENV) $(BIN)/gongkai scaled start

stop-scaled: $(STAMP)
	$(BIN)/gongkai scaled stop
# --- end issue 16

clean:
	rm -rf $(VENV) var
