#!/usr/bin/env bash
# run.sh — the whole test suite, from a fresh Debian machine or a warm one:
# installs the Debian packages that are missing, builds with warnings as
# errors, and runs every test through CTest: unit tests (CUnit), then the
# integration tests against a throwaway PostgreSQL cluster, a selfserv pool
# and nginx (tests/integration/harness.sh), which are torn down even when a
# test fails. Exits non-zero on any failure.
#
#   ./tests/run.sh                 everything
#   ./tests/run.sh -L unit         only unit tests (any ctest arguments pass through)
#   SELFHOST_SANITIZE=1 ./tests/run.sh   build with ASan + UBSan in build-san/
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh

sh_install_packages
sh_ensure_user

build=build
args=(-DSELFHOST_WERROR=ON)
if [ -n "${SELFHOST_SANITIZE:-}" ]; then
  build=build-san
  args+=(-DSELFHOST_ASAN=ON -DSELFHOST_UBSAN=ON)
fi
sh_build "$build" "${args[@]}"

# a world left over by a killed run is stopped before a new one starts
trap 'tests/integration/harness.sh stop "$build" . >/dev/null 2>&1 || true' EXIT
cd "$build"
ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@"
