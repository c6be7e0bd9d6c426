# The README's commands. Each installs what it needs on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.12)
VENV := .venv
TOOLS := .tools
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export SAM_CLI_TELEMETRY := 0

.PHONY: help install test unit node-test lint template-check build demo up bench clean console console-check chromium

help:
	@echo "make demo   a rehearsal batch on every engine (simulated) and its HTML report"
	@echo "make test   every check: lint, pytest, node tests, cfn-lint, sam validate --lint, sam build"
	@echo "make up     the local stack (moto + local API + fake Voximplant) until Ctrl-C"
	@echo "make bench  cold-start benchmark"

# A missing prerequisite stops with a sentence naming it (README: Prerequisites).
NEED_PYTHON = @test -n "$(PYTHON)" || { echo "Python 3.12 is missing: install it with pyenv (pyenv install 3.12) or put python3.12 on PATH (README: Prerequisites)" >&2; exit 1; }; \
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' || { echo "$(PYTHON) is not Python 3.12: install 3.12 with pyenv or on PATH (README: Prerequisites)" >&2; exit 1; }
NEED_NODE = @command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 20 or newer (with npm) is missing: it runs the VoxEngine emulator (README: Prerequisites)" >&2; exit 1; }; \
	node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "Node.js $$(node --version) is too old: 20 or newer is needed (README: Prerequisites)" >&2; exit 1; }

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt pyproject.toml dev/emulator/node_modules/.installed
	$(NEED_PYTHON)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q uv==0.13.9
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements-dev.txt
	echo "$(abspath layers/common)" > $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/vclient.pth
	echo "$(abspath dev)" >> $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/vclient.pth
	printf '#!/bin/sh\nexec "$$(dirname "$$0")/python" -m vclient_dev.cli "$$@"\n' > $(VENV)/bin/vclient
	chmod +x $(VENV)/bin/vclient
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	$(NEED_PYTHON)
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==0.13.9
	$(TOOLS)/bin/uv pip install -q --python $(TOOLS)/bin/python -r requirements-tools.txt
	touch $@

install: $(VENV)/.installed

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# pytest exits 5 when it collected nothing: that is a failure here, said in words.
# (tests/browser drives Chromium: `chromium` installs Debian's when it is missing.)
unit: $(VENV)/.installed chromium
	$(PY) -m pytest -q; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

dev/emulator/node_modules/.installed: dev/emulator/package.json dev/emulator/package-lock.json
	$(NEED_NODE)
	npm ci --prefix dev/emulator --no-audit --no-fund --silent
	touch $@

# The VoxEngine emulator's own tests and the scenarios run in it (node's built-in runner).
node-test: dev/emulator/node_modules/.installed
	node --test dev/emulator/test/ $(wildcard voximplant/test/)

# The console's bundle (console/src → functions/console/static) is committed, so `sam build` and
# the local stack need no npm; `make test` fails when it is stale.
console/node_modules/.installed: console/package.json console/package-lock.json
	$(NEED_NODE)
	npm ci --prefix console --no-audit --no-fund --silent
	touch $@

console: console/node_modules/.installed
	node console/build.mjs

console-check: console/node_modules/.installed
	node console/build.mjs --check

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium:
	@test -x /usr/bin/chromium || { echo "Installing Chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| { echo "Chromium is missing and could not be installed: run apt-get install -y chromium as root (README: Prerequisites)" >&2; exit 1; }

template-check: $(TOOLS)/.installed
	$(TOOLS)/bin/cfn-lint template.yaml
	PATH="$(abspath $(TOOLS))/bin:$$PATH" $(TOOLS)/bin/sam validate --lint --template template.yaml --region eu-central-1

build: $(TOOLS)/.installed
	PATH="$(abspath $(TOOLS))/bin:$$PATH" $(TOOLS)/bin/sam build --template template.yaml --build-dir .aws-sam/build

test: lint console-check node-test unit template-check build

# Simulated calls at wall time, so a person can follow one in the console.
up: $(VENV)/.installed
	$(PY) -m vclient_dev.local_stack --pace 1

demo: $(VENV)/.installed
	$(VENV)/bin/vclient demo

bench: $(VENV)/.installed
	$(PY) -m vclient_dev.bench

clean:
	rm -rf $(VENV) $(TOOLS) .aws-sam dev/emulator/node_modules console/node_modules build
