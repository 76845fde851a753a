#!/bin/sh
# Fuzzes the scenario loader and a short simulation of what loads.
#   tools/fuzz/run.sh [SECONDS]   SECONDS of fuzzing (default 600; 0 runs until stopped)
#   FUZZ_FRESH=1 tools/fuzz/run.sh 60   starts from the seeds alone (what `make test` does), so
#                                       the run depends only on the seed corpus and FUZZ_SEED
# The seed corpus is every scenario in scenarios/ and every fixture in Tests/SDScenarioTests/Fixtures;
# new interesting inputs go to .build/fuzz/corpus, crashes to .build/fuzz/artifacts/.
# The seed of libFuzzer's random choices is fixed (FUZZ_SEED, default 1), so a run is repeatable.
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
# ASan's leak checker cannot run under ptrace-restricted containers; leaks are not findings here.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} exec "$bin" "$@" "$corpus" .build/fuzz/seeds
