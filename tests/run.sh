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
#   SELFHOST_SKIP_FUZZ=1 ./tests/run.sh  without the fuzz stage
#
# Then a second stage: the libFuzzer targets (tests/fuzz/) built with clang
# in build-fuzz/ and run for 10 s each (ctest -L fuzz there).
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh

# python3: tests/diff/refdiff.py (test_refdiff.sh); chromium: tests/browser;
# python3-prometheus-client: test_metrics.sh's text-format parser;
# logrotate (test_quickstart, tests/package) and the packaging tools of
# tests/package/deb.sh: dpkg-buildpackage, dh, lintian, debootstrap;
# libfcgi-bin: cgi-fcgi, which test_ratecontrol, test_primus and
# test_supervision talk FastCGI to a pool with, nginx aside
sh_install_packages python3 chromium python3-prometheus-client \
  logrotate dpkg-dev debhelper fakeroot lintian debootstrap libfcgi-bin
sh_ensure_user

build=build
args=(-DSELFHOST_WERROR=ON)
if [ -n "${SELFHOST_SANITIZE:-}" ]; then
  build=build-san
  args+=(-DSELFHOST_ASAN=ON -DSELFHOST_UBSAN=ON)
fi
sh_build "$build" "${args[@]}"
# the console, /docs/ and /openapi3.json (npm ci in console/) for the test world
sh_www_build "$build"

# a world left over by a killed run is stopped before a new one starts
trap 'tests/integration/harness.sh stop "$build" . >/dev/null 2>&1 || true' EXIT
(cd "$build" && ctest --output-on-failure --timeout 900 -j"$(nproc)" "$@")

# fuzz stage: clang + libFuzzer (libclang-rt-14-dev holds libclang_rt.fuzzer
# on Debian 12), the whole tree instrumented, short runs of every target
if [ -z "${SELFHOST_SKIP_FUZZ:-}" ]; then
  sh_install_packages clang libclang-rt-14-dev
  sh_log "fuzz stage: build-fuzz/"
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSELFHOST_FUZZ=ON \
    >/dev/null || sh_die "cmake configure (fuzz) failed"
  cmake --build build-fuzz --target fuzz -j"$(nproc)" >/dev/null ||
    { cmake --build build-fuzz --target fuzz -j1; sh_die "fuzz build failed"; }
  (cd build-fuzz && ctest --output-on-failure -L fuzz -j"$(nproc)")
fi
