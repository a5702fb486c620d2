# Two entry points, both safe on a fresh machine (as root too):
#   make lab    set up .venv and open the notebooks in JupyterLab
#   make test   set up .venv (and Chromium for the browser test) and run every check
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
LAB_PORT ?= 8888

.PHONY: lab test setup chromium node lint bench catalog mutation

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# No "Jupyter news?" prompt over the notebooks (the machine may have no network anyway).
	mkdir -p $(VENV)/etc/jupyter/labconfig
	printf '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}\n' \
	  > $(VENV)/etc/jupyter/labconfig/page_config.json
	touch $@

# Nothing secret survives a save: the server runs xero_nb.widgets.presave before writing any notebook.
PRESAVE_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/xero_nb.json

$(PRESAVE_CONFIG): Makefile
	mkdir -p $(@D)
	printf '{"ServerApp": {"jpserver_extensions": {"xero_nb.widgets.presave": true}}}\n' > $@

setup: $(BIN)/.installed $(PRESAVE_CONFIG)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# xero-node (Xero's official Node SDK) for tests/test_sim_node.py, pinned by tests/node/package-lock.json,
# into .node/ (npm's registry, once). `make test` installs it whenever node and npm are on PATH.
NODE_DIR := .node
HAVE_NODE := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo yes)

$(NODE_DIR)/.installed: tests/node/package.json tests/node/package-lock.json
	mkdir -p $(NODE_DIR)
	cp tests/node/package.json tests/node/package-lock.json $(NODE_DIR)/
	cd $(NODE_DIR) && npm install --no-audit --no-fund
	touch $@

node: $(NODE_DIR)/.installed

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) \
	  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

lint: setup
	$(BIN)/ruff check xero_nb tests benchmarks
	$(BIN)/mypy

# Two pytest workers (pytest-xdist): the suite is mostly CPU-bound diagnosis cases and waits on
# browsers and servers, so two processes on the 2-core CI machine take about two thirds of one's time.
test: setup chromium lint $(if $(HAVE_NODE),node)
	$(BIN)/python -m pytest -n 2

bench: setup
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_probe.py
	$(BIN)/python benchmarks/bench_diagnose.py
	$(BIN)/python benchmarks/bench_paste.py
	$(BIN)/python benchmarks/bench_scan.py
	$(BIN)/python benchmarks/bench_simulator.py

catalog: setup
	$(BIN)/python -m xero_nb.catalog.build vendor/xero-openapi
	$(BIN)/python -m xero_nb.catalog.answers

# Mutation score of the core (scopes and catalog, client and policy, token store, redaction,
# probe limiter, simulator refusal order, diagnosis rules): mutmut over each group of
# scripts/mutation.py (its own files and tests) in its own scratch copy, one after another, and
# one JSON line at the end with every group merged. Slow on 2 cores (well over an hour for all
# groups), so not part of `make test` or CI. MUTANTS='xero_nb.client.policy*' runs a subset;
# GROUP=diagnose runs one group.
mutation: setup
	$(BIN)/python scripts/mutation.py $(if $(GROUP),--group $(GROUP)) $(MUTANTS)
