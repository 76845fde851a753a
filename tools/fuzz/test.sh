#!/bin/sh
# The fuzzing run of `make test`: the harness built with libFuzzer and AddressSanitizer
# (tools/fuzz/build.sh), then a fixed number of inputs from the seed corpus alone with a fixed
# seed, so every machine tries the same inputs whatever its speed or load:
#   tools/fuzz/test.sh [RUNS]     RUNS inputs (default FUZZ_TEST_RUNS, else 15000: about 50 s of
#                                 CPU); any crash, sanitizer report or input slower than 10 s
#                                 fails (exit status non-zero)
# A toolchain without libFuzzer (swiftc -sanitize=fuzzer fails on a one-line probe) skips the
# run with a message saying so, and exits 0.
set -eu
cd "$(dirname "$0")/../.."
runs=${1:-${FUZZ_TEST_RUNS:-15000}}
probe=$(mktemp -d)
printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' > "$probe/p.swift"
if ! ${SWIFTC:-swiftc} -sanitize=fuzzer,address -parse-as-library "$probe/p.swift" -o "$probe/p" > "$probe/log" 2>&1; then
    echo "fuzz: SKIPPED: this toolchain cannot build with -sanitize=fuzzer,address (no libFuzzer); the probe said:"
    sed 's/^/  /' "$probe/log" | head -5
    rm -rf "$probe"
    exit 0
fi
rm -rf "$probe"
tools/fuzz/build.sh
echo "fuzz: $runs inputs from the seed corpus, seed ${FUZZ_SEED:-1}"
FUZZ_FRESH=1 FUZZ_RUNS=$runs exec tools/fuzz/run.sh 0
