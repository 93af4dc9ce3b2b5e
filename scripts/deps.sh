#!/bin/sh
# Install the Debian packages gpuplan needs to build, test and benchmark.
# Idempotent: packages already installed are skipped, and `apt-get update`
# runs only when something must be installed. Works as root or via sudo.
set -eu

# Build: compiler, CMake, pkg-config and the libraries we link (jansson, libcsv,
# SQLite for the price history, libcurl for catalog refresh, loaded at run time).
# civetweb (MIT): the replay server the refresh tests fetch from (tests/replay_server.c).
# Test: cmocka, clang + its runtime (libFuzzer, sanitizers), xmllint for SVG,
# groff (the man page), locales (de_DE sources for the comma-locale test).
# libyaml-dev (MIT): parses the launch files in tests/unit/test_launch.c only.
# Bench: sqlite3 (the comparison baseline).
# gpuplan web: libcivetweb-dev (MIT, the HTTP server); curl and chromium
# (tests/web.sh: the API over loopback, the page in a headless browser).
# nodejs, npm: the browser tests (tests/e2e/), whose one npm package,
# playwright-core, pinned in tests/e2e/package-lock.json, is installed below
# with `npm ci` (npm is used for this browser-test driver only). They are
# asked for by command, not by package: a machine whose nodejs already
# bundles npm (NodeSource's build) conflicts with Debian's npm package.
PACKAGES="gcc make cmake pkg-config libjansson-dev libcsv-dev libcmocka-dev libsqlite3-dev \
clang libclang-rt-14-dev libxml2-utils groff-base locales sqlite3 libyaml-dev \
libcurl4-openssl-dev libcivetweb-dev curl chromium"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "deps.sh: need root (or sudo) to install:$missing" >&2
        exit 1
    fi
    echo "deps.sh: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The browser tests' driver: `npm ci` from the committed lock file, skipped
# when node_modules was installed from this very lock file (a copy of it
# is kept there as a stamp).
e2e=$(cd "$(dirname "$0")/.." && pwd)/tests/e2e
if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.gpuplan-lock.json" 2>/dev/null; then
    echo "deps.sh: npm ci in tests/e2e (playwright-core)" >&2
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$e2e/package-lock.json" "$e2e/node_modules/.gpuplan-lock.json"
fi
