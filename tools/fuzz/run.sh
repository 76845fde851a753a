#!/bin/sh
# Fuzzes the scenario loader and a short simulation of what loads.
#   tools/fuzz/run.sh [SECONDS]   SECONDS of fuzzing (default 600; 0 runs until stopped)
#   FUZZ_FRESH=1 tools/fuzz/run.sh 60   starts from the seeds alone (what `make test` does), so
#                                       the run depends only on the seed corpus and FUZZ_SEED
#   FUZZ_RUNS=N                         stops after N inputs (tools/fuzz/test.sh, for make test)
# The seed corpus is every scenario in scenarios/ and every fixture in Tests/SDScenarioTests/Fixtures;
# new interesting inputs go to .build/fuzz/corpus, crashes to .build/fuzz/artifacts/.
# The seed of libFuzzer's random choices is fixed (FUZZ_SEED, default 1) and Swift's hashing is made
# deterministic, so a run with FUZZ_RUNS is repeatable: the same inputs, the same coverage.
# Exit status: 0 no finding; non-zero a crash, a sanitizer report, a leak or a hang (each input
# must finish within 10 s), with the input saved under .build/fuzz/artifacts/.
set -eu
cd "$(dirname "$0")/../.."
seconds=${1:-600}
bin=.build/fuzz/release/sdsim-fuzz
[ -x "$bin" ] || tools/fuzz/build.sh
corpus=.build/fuzz/corpus
if [ "${FUZZ_FRESH:-0}" = 1 ]; then corpus=.build/fuzz/fresh-corpus; rm -rf "$corpus" .build/fuzz/seeds; fi
mkdir -p "$corpus" .build/fuzz/artifacts .build/fuzz/seeds
cp scenarios/*.yaml .build/fuzz/seeds/
find Tests/SDScenarioTests/Fixtures -name '*.yaml' | while read -r f; do
    cp "$f" ".build/fuzz/seeds/$(echo "$f" | tr '/' '_')"
done
set -- -seed="${FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=3072 -max_len=16384 \
    -dict=tools/fuzz/scenario.dict -artifact_prefix=.build/fuzz/artifacts/ -print_final_stats=1
[ "$seconds" -gt 0 ] && set -- "$@" -max_total_time="$seconds"
# FUZZ_RUNS=N stops after N inputs (what `make test` does through tools/fuzz/test.sh): the same
# inputs on any machine, where a time limit would try fewer on a slower or busier one.
[ -n "${FUZZ_RUNS:-}" ] && set -- "$@" -runs="$FUZZ_RUNS"
# Swift seeds its hashing at random in every process, which changes the coverage of dictionary
# code from run to run and with it the inputs libFuzzer keeps: fixed here, a seed means one run.
# ASan's leak checker cannot run under ptrace-restricted containers; leaks are not findings here.
SWIFT_DETERMINISTIC_HASHING=${SWIFT_DETERMINISTIC_HASHING:-1} ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
    exec "$bin" "$@" "$corpus" .build/fuzz/seeds
