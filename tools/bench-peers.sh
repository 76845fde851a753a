#!/usr/bin/env bash
# Runs the same M/M/1 model (λ=0.5/s, μ=1/s, i.e. exponential service with mean 1 s; theory:
# mean sojourn 2.0 s) in the Python simulators SimPy and Ciw, so that sdsim's speed can be
# compared with peers. Prints one line per peer:
#   peer=simpy customers=1000000 events=2000000 wall_s=... customers_per_s=... events_per_s=... mean_sojourn_s=...
# Events are counted as 2 per customer (arrival + departure), whatever each library does inside.
#
# Usage: tools/bench-peers.sh [customers] [seed]     (defaults: 1000000, 7)
# Environment: PEERS="simpy ciw" picks the peers; PYTHON picks the interpreter (default python3).
# Idempotent: SimPy and Ciw go into .build-peers/venv (created once), or with `pip install --user`
# when `python3 -m venv` does not work; a second run installs nothing new.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
customers="${1:-1000000}"
seed="${2:-7}"
peers="${PEERS:-simpy ciw}"
python="${PYTHON:-python3}"
venv="$root/.build-peers/venv"

command -v "$python" >/dev/null 2>&1 || { echo "bench-peers: $python not found" >&2; exit 1; }

# Pick an interpreter that has (or gets) simpy and ciw.
venv_ok() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }
if venv_ok || { rm -rf "$venv"; "$python" -m venv "$venv" >/dev/null 2>&1 && venv_ok; }; then
    py="$venv/bin/python"
    user_flag=""
else
    rm -rf "$venv"   # a half-made venv (no ensurepip) would fool the next run
    py="$python"
    user_flag="--user"
fi
if ! "$py" -c 'import simpy, ciw' >/dev/null 2>&1; then
    # shellcheck disable=SC2086  # user_flag is empty or one word
    "$py" -m pip install --quiet --disable-pip-version-check $user_flag simpy ciw
fi

echo "# M/M/1 lambda=0.5/s mu=1/s, $customers customers, seed $seed; events counted as 2 per customer (arrival + departure); theory mean_sojourn_s=2.0"
for peer in $peers; do
    script="$root/tools/peers/mm1_$peer.py"
    [ -f "$script" ] || { echo "bench-peers: no peer script $script" >&2; exit 1; }
    "$py" "$script" --customers "$customers" --seed "$seed"
done
