#!/usr/bin/env bash
# Installs what sdsim needs on a fresh Debian machine, or says exactly what to run.
#   System packages: libgsl-dev (random streams, distributions, quantiles), libsqlite3-dev
#   (results database), pkg-config (how SwiftPM finds both).
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
if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no 'swift' on PATH; install the Swift 6 toolchain from swift.org and add its usr/bin to PATH" >&2
    exit 1
fi
