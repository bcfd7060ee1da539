#!/usr/bin/env bash
# The whole test suite, as README.md and .ci/run give it:
#  1. Release build (build/release): unit, CLI and layering tests.
#  2. clang build with AddressSanitizer + UndefinedBehaviorSanitizer
#     (build/sanitize, MOISSON_SANITIZE=ON): the same tests again, plus a short
#     run of every libFuzzer target (MOISSON_FUZZ=ON, 10 s each).
# Needs the packages scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MOISSON_JOBS:-2}

cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMOISSON_BUILD_TESTS=ON -DMOISSON_BUILD_BENCH=ON
cmake --build build/release -j"$jobs"
ctest --test-dir build/release --output-on-failure -j"$jobs"

cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DMOISSON_BUILD_TESTS=ON -DMOISSON_SANITIZE=ON -DMOISSON_FUZZ=ON -DMOISSON_FUZZ_SECONDS="${MOISSON_FUZZ_SECONDS:-10}"
cmake --build build/sanitize -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:suppressions=$PWD/fuzz/asan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/sanitize --output-on-failure -j"$jobs"
