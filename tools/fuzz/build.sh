#!/bin/sh
# Builds the libFuzzer harness (Sources/sdsim-fuzz) with AddressSanitizer and coverage, in a
# build folder of its own so the ordinary build is untouched: .build/fuzz/release/sdsim-fuzz.
# SwiftPM has no fuzz targets, so the harness is an executable target whose @main (a replay of
# files) is compiled out with -D FUZZING, leaving libFuzzer's main.
set -eu
cd "$(dirname "$0")/../.."
exec swift build -c release --scratch-path .build/fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product sdsim-fuzz
