# sdsim: two commands on a fresh Debian machine.
#   make demo   installs what is missing, builds in release mode, runs the main demo
#   make test   installs what is missing, builds the tests in release mode, runs them all, then
#               fuzzes the loader for about a minute (tools/fuzz/test.sh)
#   make validate  starts a real stack (nginx, Python, Redis, PostgreSQL) on loopback, measures
#               it and compares sdsim's prediction (minutes; not part of make test)
#   make check  the fast tier: the same build, without the long statistical and whole-scenario suites
#   make docs   regenerates docs/reference/scenario.md and docs/scenario.schema.json from the loader
# Long statistical tests need a release build (-enable-testing lets tests see internals);
# debug Swift is many times slower.

SWIFT      ?= swift
RELEASE    := -c release
TESTFLAGS  := $(RELEASE) -Xswiftc -enable-testing
BIN        := .build/release

# The suites `make check` leaves out: whole-scenario runs through the CLI and long theory checks.
SLOW_SUITES := CLITests|ScenarioLibraryTests|QueueingTheoryTests|CacheTests|DatabaseTests|RouterTests|ObjectStoreTests

.PHONY: demo test check bench bench-peers build deps clean docs fuzz fuzz-build validate

# Seconds of `make fuzz` (0: until stopped); `make test` ends with FUZZ_TEST_RUNS inputs from the
# seed corpus with a fixed seed (tools/fuzz/test.sh; skipped with a message without libFuzzer).
FUZZ_SECONDS   ?= 600
FUZZ_TEST_RUNS ?= 15000

deps:
	@tools/install-deps.sh

build: deps
	$(SWIFT) build $(RELEASE) --product sdsim

demo: build
	@echo "== An M/M/1 queue: theory says W = 1/(mu - lambda) = 2 s"
	$(BIN)/sdsim run scenarios/mm1.yaml --quiet
	@echo
	@echo "== Three tiers: load balancer, 4 app servers, a cache in front of a database"
	$(BIN)/sdsim run scenarios/three-tier.yaml --quiet
	@echo
	@echo "== The same system failing: the database crashes, one app server turns slow"
	$(BIN)/sdsim run scenarios/failures.yaml --quiet

test: deps
	$(SWIFT) build $(TESTFLAGS) --build-tests
	$(SWIFT) test $(TESTFLAGS) --skip-build
	tools/fuzz/test.sh $(FUZZ_TEST_RUNS)
	python3 -m unittest discover -s tools/validate -p 'test_*.py'

# The real stack against sdsim's prediction: see docs/how-to/validate-a-real-stack.md.
validate: deps
	@tools/install-deps.sh --validate
	$(SWIFT) build $(TESTFLAGS) --product sdsim
	tools/validate/stack

check: deps
	$(SWIFT) build $(TESTFLAGS) --build-tests
	$(SWIFT) test $(TESTFLAGS) --skip-build --skip '$(SLOW_SUITES)'

# The scenario reference and the JSON Schema, generated from the loader's field specifications.
# Built with the test flags so that it shares the build of `make test`.
docs: deps
	$(SWIFT) build $(TESTFLAGS) --product sdsim
	@mkdir -p docs/reference
	$(BIN)/sdsim docs reference > docs/reference/scenario.md.tmp && mv docs/reference/scenario.md.tmp docs/reference/scenario.md
	$(BIN)/sdsim docs schema > docs/scenario.schema.json.tmp && mv docs/scenario.schema.json.tmp docs/scenario.schema.json
	@echo "docs: wrote docs/reference/scenario.md and docs/scenario.schema.json"

# libFuzzer on the scenario loader and a short run of what loads (docs/how-to/fuzzing.md).
fuzz-build: deps
	tools/fuzz/build.sh

fuzz: fuzz-build
	tools/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps
	$(SWIFT) build $(RELEASE) --product sdsim-bench
	$(BIN)/sdsim-bench

bench-peers:
	tools/bench-peers.sh

clean:
	rm -rf .build
