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
PACKAGES="gcc make cmake pkg-config libjansson-dev libcsv-dev libcmocka-dev libsqlite3-dev \
clang libclang-rt-14-dev libxml2-utils groff-base locales sqlite3 libyaml-dev \
libcurl4-openssl-dev libcivetweb-dev curl chromium"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

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
