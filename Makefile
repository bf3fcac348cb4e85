SWIFT ?= swift
BIN := .build/debug/crank

.PHONY: build test

build:
	$(SWIFT) build

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
