# gongkai: `make run` starts the demo platform, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO_ENV := GONGKAI_DEMO=1

.PHONY: run test lint format install demo bench clean

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

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

test: lint
	GONGKAI_VAR_DIR=$(CURDIR)/var/test $(BIN)/gongkai makemigrations --check --dry-run
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/gongkai bench

clean:
	rm -rf $(VENV) var
