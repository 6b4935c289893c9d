# passk: every target installs what is missing first. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Run options for `make run` (override on the command line: make run MODEL=… GPUS=…)
RUN ?= demo
PROBLEMS ?= demo
BACKEND ?= auto
MODEL ?=
GPUS ?=
EVALUATORS ?=
N ?= 20
TEMPERATURES ?= 0.2,0.6,1.0,1.4
TEST_FILES ?= $(wildcard test/*.test.ts test/*/*.test.ts)

.PHONY: help install build run test bench clean

help:
	@echo "make run    install, build, run the demo sweep (RUN=$(RUN) PROBLEMS=$(PROBLEMS) BACKEND=$(BACKEND))"
	@echo "make test   install, build, run every test"
	@echo "make bench  install, build, run the benchmarks (numbers go to docs/benchmarks.md by hand)"

node_modules/.passk-installed: package.json package-lock.json $(wildcard packages/*/package.json)
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.passk-installed

build: install
	npx tsc -b

run: build
	bin/passk run --run $(RUN) --problems $(PROBLEMS) --backend $(BACKEND) \
	  $(if $(MODEL),--model $(MODEL)) $(if $(GPUS),--gpus $(GPUS)) $(if $(EVALUATORS),--evaluators $(EVALUATORS)) \
	  --n $(N) --temperatures $(TEMPERATURES)

test: build
	bash test/setup.sh
	node --import tsx --test --test-concurrency=1 $(TEST_FILES)

bench: build
	node --import tsx bench/run.ts

clean:
	npx tsc -b --clean
