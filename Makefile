# passk: every target installs what is missing first. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Run options for `make run` (override on the command line: make run MODEL=… GPUS=…)
# The run name: one per backend (demo, demo-sim, demo-llama, …), so `make run BACKEND=sim` after `make run` is a new run.
RUN ?= $(if $(filter auto,$(BACKEND)),demo,demo-$(BACKEND))
PROBLEMS ?= demo
BACKEND ?= auto
MODEL ?=
GPUS ?=
EVALUATORS ?=
N ?= 20
TEMPERATURES ?= 0.2,0.6,1.0,1.4
# Without MODEL= (backend auto or llama) the model is passk's tiny random one: its output is noise, so the demo caps it
# at 256 tokens a sample (a real model gets passk's default, 2000). MAX_TOKENS= overrides both.
MAX_TOKENS ?=
# The evaluators' interpreter (Python 3.10-3.13; default python3 on PATH), and any other `passk run` options.
PYTHON ?=
RUN_ARGS ?=
TEST_FILES ?= $(wildcard test/*.test.ts test/*/*.test.ts)
# Test files run at once (node --test --test-concurrency; default 2). Tests wait on events, own their
# temp dirs, ports, Redis servers and sandbox uids, and find only their own processes (docs/testing.md),
# so files may overlap; 1 runs them one after another (a full run takes about twice as long).
TEST_CONCURRENCY ?= 2

.PHONY: help node install build run test bench clean

# Node: a Node >= 20.17 on PATH, or passk's own: scripts/node-bootstrap.sh fetches the pinned official
# release into $(PASSK_TOOLS_DIR) once (SHA-256 checked; NODE_DIST_URL= / NODE_TARBALL_URL= and
# NODE_SHA256= for a mirror), and it comes first on PATH from then on. See docs/install.md.
PASSK_TOOLS_DIR ?= $(CURDIR)/.tools
override PASSK_TOOLS_DIR := $(abspath $(PASSK_TOOLS_DIR))
export PASSK_TOOLS_DIR NODE_DIST_URL NODE_TARBALL_URL NODE_SHA256 NODE_VERSION NODE_ARCH
export PATH := $(PASSK_TOOLS_DIR)/node/bin:$(PATH)

help:
	@echo "make run    install, build, run the demo sweep (RUN=$(RUN) PROBLEMS=$(PROBLEMS) BACKEND=$(BACKEND))"
	@echo "make test   install, build, lint, run every test"
	@echo "make test-fast  lint, unit and contract tests (no pipeline, sandbox, model or chart suites)"
	@echo "make lint   the lint gates (part of make test and test-fast): eslint, then the Python one (make lint-py: flake8, pyright)"
	@echo "make bench  install, build, run the benchmarks (numbers go to docs/benchmarks.md by hand)"

# node-llama-cpp lists every platform's prebuilt binary as an optional dependency; on linux-x64 npm
# installs the CUDA (~540 MB), Vulkan and arm ones too. Keep only the CPU binary unless CUDA=1.
CUDA ?=
LLAMA_GPU_BINARIES := linux-x64-cuda linux-x64-cuda-ext linux-x64-vulkan linux-arm64 linux-armv7l linux-riscv64
# ... but never this machine's own CPU binary (linux-arm64 on an arm64 box). `=`: uname runs only in the recipe.
LLAMA_OWN_BINARY = linux-$(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x64)

node:
	@sh scripts/node-bootstrap.sh

node_modules/.passk-installed: package.json package-lock.json $(wildcard packages/*/package.json) | node
	npm ci --no-audit --no-fund
	@if [ -z "$(CUDA)" ]; then for b in $(filter-out $(LLAMA_OWN_BINARY),$(LLAMA_GPU_BINARIES)); do rm -rf node_modules/@node-llama-cpp/$$b; done; \
	  echo "install: kept node-llama-cpp's CPU binary only (make install CUDA=1 keeps the GPU ones)"; fi
	@touch $@

install: node node_modules/.passk-installed

build: install
	npx tsc -b
	@PASSK_BIN_DIR="$(PASSK_BIN_DIR)" sh scripts/link-passk.sh

run: build
	@PASSK_PYTHON="$(or $(PYTHON),python3)" sh scripts/need-python.sh
	bin/passk run --run $(RUN) --problems $(PROBLEMS) --backend $(BACKEND) \
	  $(if $(MODEL),--model $(MODEL)) $(if $(GPUS),--gpus $(GPUS)) $(if $(EVALUATORS),--evaluators $(EVALUATORS)) \
	  --n $(N) --temperatures $(TEMPERATURES) $(if $(MAX_TOKENS),--max-tokens $(MAX_TOKENS),$(if $(MODEL),,$(if $(filter auto llama,$(BACKEND)),--max-tokens 256))) \
	  $(if $(PYTHON),--python $(PYTHON)) $(RUN_ARGS)

test: build
	bash test/setup.sh
	$(MAKE) --no-print-directory lint
	node --import tsx --test --test-concurrency=$(TEST_CONCURRENCY) $(TEST_FILES)

# The slow suites (real pipelines, the Python sandbox, model backends, chart rendering); `make test-fast` runs the rest.
SLOW_TEST_FILES := $(wildcard test/pipeline/*.test.ts test/evaluator/*.test.ts test/backends/llama.test.ts test/backends/vllm*.test.ts test/backends/preflight.test.ts test/backends/inflight.test.ts test/problems/run-selection.test.ts test/problems/check.test.ts test/report/*.test.ts \
  test/cli/walk-*.test.ts test/cli/ctrl-c.test.ts test/cli/readme-commands.test.ts test/ops/*.test.ts test/results/*.test.ts test/bench/*.test.ts test/bootstrap/*.test.ts)
FAST_TEST_FILES := $(filter-out $(SLOW_TEST_FILES),$(TEST_FILES))
.PHONY: lint lint-py test-fast

# The lint gates, run by `make test` and `make test-fast`: the TypeScript one (eslint.config.js: typescript-eslint
# recommended, files <= 400 lines, functions <= 80, no any), the type check of the tests and benches (tsx runs them
# without one; tsconfig.tests.json: the packages' strict settings, no output), then the Python one (lint-py).
lint: build
	npx eslint --cache --cache-location node_modules/.cache/eslint/ packages/*/src test bench eslint.config.js
	npx tsc -p tsconfig.tests.json
	@$(MAKE) --no-print-directory lint-py

# The Python gate over the sandbox's Python and its tests: flake8 (.flake8; Debian's python3-flake8 for
# /usr/bin/python3, installed by test/setup.sh) and pyright (npm; pyrightconfig.json, basic mode).
# PY_LINT_PENDING: files left out until their owners' typing lands (issue 15); empty it then.
PY_LINT_PENDING :=
PY_LINT_FILES = $(filter-out $(addprefix packages/evaluator/python/,$(PY_LINT_PENDING)),$(wildcard packages/evaluator/python/*.py)) \
  $(wildcard test/python/*.py test/python/*/*.py)
lint-py: install
	@/usr/bin/python3 -m flake8 --version >/dev/null 2>&1 || bash test/setup.sh
	@status=0; /usr/bin/python3 -m flake8 $(PY_LINT_FILES) || status=1; npx pyright $(PY_LINT_FILES) || status=1; exit $$status

# Unit and contract tests (no full pipeline, no sandbox, no model): the quick loop beside `make test`.
test-fast: build
	bash test/setup.sh
	$(MAKE) --no-print-directory lint
	node --import tsx --test --test-concurrency=$(TEST_CONCURRENCY) $(FAST_TEST_FILES)

bench: build
	node --import tsx bench/run.ts

clean:
	npx tsc -b --clean
