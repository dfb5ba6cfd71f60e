# eyewatch-gen: `make render` renders plan.yaml into generated/; `make test` runs everything.
# Both set themselves up on a fresh machine: a .venv, and promtool/amtool (Debian packages
# prometheus, prometheus-alertmanager) when they are missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PLAN   ?= plan.yaml
OUT    ?= generated
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: render test check validate lint lint-rules lint-alertmanager lint-code tools golden bench schema clean

render: $(VENV)/.runtime ## Render $(PLAN) into $(OUT)/
	$(BIN)/eyewatch-gen render $(PLAN) --out $(OUT)

test: $(VENV)/.dev tools ## Lint the code, run every test, lint the generated rules
	$(MAKE) lint-code
	$(BIN)/pytest
	$(MAKE) lint-rules lint-alertmanager

check: $(VENV)/.runtime ## Exit 1 when $(OUT)/ is stale
	$(BIN)/eyewatch-gen check $(PLAN) --out $(OUT)

validate: $(VENV)/.runtime
	$(BIN)/eyewatch-gen validate $(PLAN)

lint: $(VENV)/.dev tools ## Every check eyewatch-gen lint runs, plus ruff and mypy
	$(MAKE) lint-code
	$(BIN)/eyewatch-gen lint $(PLAN) --out $(OUT)

lint-rules: $(VENV)/.runtime tools ## promtool: check and unit-test the generated rules
	$(BIN)/eyewatch-gen lint $(PLAN) --out $(OUT) --only promtool --format plain

lint-alertmanager: tools ## amtool on the generated Alertmanager config
	amtool check-config $(OUT)/alertmanager/alertmanager.yml

lint-code: $(VENV)/.dev ## ruff and mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

golden: $(VENV)/.dev ## Rewrite the golden files from the current generator (review the diff!)
	$(BIN)/pytest tests/test_golden.py tests/test_import_e2e.py --update-goldens

schema: $(VENV)/.runtime ## Refresh plan.schema.json (editor completion)
	$(BIN)/eyewatch-gen schema > plan.schema.json

bench: $(VENV)/.runtime
	$(BIN)/python bench/run.py

tools: ## Install the Debian tools the tests run: promtool, prometheus, amtool, exporters, openssl
	@if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null \
	    || ! command -v amtool >/dev/null || ! command -v prometheus-blackbox-exporter >/dev/null \
	    || ! command -v prometheus-node-exporter >/dev/null || ! command -v openssl >/dev/null; then \
	  echo "installing Debian packages prometheus, prometheus-alertmanager," \
	    "prometheus-blackbox-exporter, prometheus-node-exporter, openssl"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    prometheus prometheus-alertmanager prometheus-blackbox-exporter \
	    prometheus-node-exporter openssl >/dev/null; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.runtime

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build *.egg-info src/*.egg-info
