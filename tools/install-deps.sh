#!/usr/bin/env bash
# Installs what sdsim needs on a fresh Debian machine, or says exactly what to run.
#   System packages: libgsl-dev (random streams, distributions, quantiles), libsqlite3-dev
#   (results database), pkg-config (how SwiftPM finds both).
#   Optional: python3-jsonschema, python3-yaml (the test that scenarios/ pass docs/scenario.schema.json).
#   Optional: chromium, graphviz (the HTML-report browser tests; the topology drawn by Graphviz).
#   Optional: redis-server (the real-Redis check of tools/validate/redis; skipped without it).
#   Swift 6 toolchain: must already be on PATH (swift.org); it is not a Debian package.
#   --validate: instead, the servers of `make validate` (nginx, postgresql, redis-server).
set -euo pipefail
packages=(libgsl-dev libsqlite3-dev pkg-config)
validate=0
if [ "${1:-}" = "--validate" ]; then
    validate=1
    packages=(nginx postgresql redis-server)
fi
missing=()
for p in "${packages[@]}"; do
    if [ "$validate" = 1 ]; then
        # A server found on PATH counts, however it was installed (nginx-light, a PostgreSQL build).
        case "$p" in
            nginx) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && continue ;;
            postgresql) command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && continue ;;
            redis-server) command -v redis-server >/dev/null 2>&1 && continue ;;
        esac
    fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "install-deps: missing Debian packages: ${missing[*]}" >&2
        echo "install-deps: run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
# Optional: the JSON Schema test validates scenarios/ with python3 (skipped when these are missing).
optional=(python3-jsonschema python3-yaml)
optional_missing=()
for p in "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || optional_missing+=("$p")
done
if [ ${#optional_missing[@]} -gt 0 ] && ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing ${optional_missing[*]} (for the JSON Schema test)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq "${optional_missing[@]}" >/dev/null; } \
            || echo "install-deps: could not install ${optional_missing[*]}; the JSON Schema test will be skipped" >&2
    else
        echo "install-deps: optional: sudo apt-get install -y ${optional_missing[*]} (the JSON Schema test is skipped without them)" >&2
    fi
fi
# Optional: chromium, the browser the HTML-report tests render in (headless), and graphviz, whose
# 'dot' draws the topology in the HTML reports. Tests that need them skip with a message when they
# are missing; installed here when we are root.
report_missing=()
for p in chromium graphviz; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || report_missing+=("$p")
done
if [ ${#report_missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing ${report_missing[*]} (optional: HTML report tests and diagrams)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq "${report_missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${report_missing[@]}" >/dev/null; }; } \
            || echo "install-deps: could not install ${report_missing[*]}; the HTML report tests will be skipped" >&2
    else
        echo "install-deps: optional: sudo apt-get install -y ${report_missing[*]} (the HTML report tests are skipped without them)" >&2
    fi
fi
# Optional: redis-server, for the real-Redis check of the Redis cache policies (tools/validate/redis;
# its test is skipped without it). Installed when we are root; never started as a service here.
if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-deps: installing redis-server (optional: the real-Redis check)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }; } \
            || echo "install-deps: could not install redis-server; the real-Redis check will be skipped" >&2
    else
        echo "install-deps: optional redis-server missing (the real-Redis check is skipped); run: sudo apt-get install -y redis-server" >&2
    fi
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no 'swift' on PATH; install the Swift 6 toolchain from swift.org and add its usr/bin to PATH" >&2
    exit 1
fi
