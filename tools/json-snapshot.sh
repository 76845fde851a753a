#!/usr/bin/env bash
# Behaviour-preservation check for refactorings: runs every scenario in scenarios/ with
# --format json and writes (record) or compares (compare) one JSON file per scenario.
#   tools/json-snapshot.sh record DIR    # before the change
#   tools/json-snapshot.sh compare DIR   # after: lists every scenario whose JSON changed, exit 1 if any
# Uses the release binary (.build/release/sdsim, built if missing). A scenario whose run exits 1
# because an expectation failed is still compared (its JSON is what matters).
set -uo pipefail
cd "${SNAPSHOT_ROOT:-$(dirname "$0")/..}"   # SNAPSHOT_ROOT: another checkout (a baseline)
mode=${1:-}; dir=${2:-}
if [[ ( "$mode" != record && "$mode" != compare ) || -z "$dir" ]]; then
    echo "usage: tools/json-snapshot.sh record|compare DIR" >&2; exit 2
fi
bin=.build/release/sdsim
[ -x "$bin" ] || swift build -c release --product sdsim >&2 || exit 1
mkdir -p "$dir"
changed=0
for f in scenarios/*.yaml; do
    name=$(basename "$f" .yaml)
    out=$("$bin" run "$f" --format json --no-db --quiet 2>/dev/null)
    rc=$?
    if [ $rc -gt 1 ]; then echo "$name: run failed (exit $rc)" >&2; changed=1; continue; fi
    if [ "$mode" = record ]; then
        printf '%s\n' "$out" > "$dir/$name.json"
    elif ! printf '%s\n' "$out" | cmp -s - "$dir/$name.json"; then
        echo "changed: $name"; changed=1
    fi
done
if [ "$mode" = compare ]; then
    [ $changed -eq 0 ] && echo "json-snapshot: every scenario's JSON is byte-identical" || echo "json-snapshot: some scenarios changed" >&2
fi
exit $changed
