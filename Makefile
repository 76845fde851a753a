# sdsim: two commands on a fresh Debian machine.
#   make demo   installs what is missing, builds in release mode, runs the main demo
#   make test   installs what is missing, builds the tests in release mode, runs them all
#   make check  the fast tier: the same build, without the long statistical and whole-scenario suites
# Long statistical tests need a release build (-enable-testing lets tests see internals);
# debug Swift is many times slower.

SWIFT      ?= swift
RELEASE    := -c release
TESTFLAGS  := $(RELEASE) -Xswiftc -enable-testing
BIN        := .build/release

# The suites `make check` leaves out: whole-scenario runs through the CLI and long theory checks.
SLOW_SUITES := CLITests|ScenarioLibraryTests|QueueingTheoryTests|CacheTests|DatabaseTests|RouterTests|ObjectStoreTests

.PHONY: demo test check bench bench-peers build deps clean

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

check: deps
	$(SWIFT) build $(TESTFLAGS) --build-tests
	$(SWIFT) test $(TESTFLAGS) --skip-build --skip '$(SLOW_SUITES)'

bench: deps
	$(SWIFT) build $(RELEASE) --product sdsim-bench
	$(BIN)/sdsim-bench

bench-peers:
	tools/bench-peers.sh

clean:
	rm -rf .build
