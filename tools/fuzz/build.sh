#!/bin/sh
# Builds the libFuzzer harness (Sources/sdsim-fuzz) with AddressSanitizer and coverage, in a
# build folder of its own so the ordinary build is untouched: .build/fuzz/release/sdsim-fuzz.
# SwiftPM has no fuzz targets, so the harness is an executable target: with -D FUZZING its main
# hands over to libFuzzer's driver (LLVMFuzzerRunDriver); without, it replays files.
set -eu
cd "$(dirname "$0")/../.."
# libFuzzer's own main comes in with its library; SwiftPM's main (ours) is kept.
exec swift build -c release --scratch-path .build/fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xlinker --allow-multiple-definition --product sdsim-fuzz
