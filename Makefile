# crank — every target calls the built binary; `make test` is the README's test command.
SWIFT ?= swift
BIN := .build/debug/crank
RELEASE_BIN := .build/release/crank
VENV := .venv
PYTHON := $(VENV)/bin/python
# Prefect's server needs this fastapi pin (see ../shared/INFRA.md facts in README).
PREFECT_PINS := prefect==3.8.8 fastapi==0.150.0

.PHONY: build release test venv discover-flows

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# The Python side of the tests: a project venv with Prefect, installed once.
venv: $(VENV)/.installed
$(VENV)/.installed:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PREFECT_PINS)
	touch $@

test: venv
	$(SWIFT) build --build-tests
	CRANK_PYTHON=$(abspath $(PYTHON)) $(SWIFT) test --skip-build

# Lists the flows of this project (or of DIR=path).
discover-flows: build
	$(BIN) discover $(DIR)
