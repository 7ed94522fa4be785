#!/usr/bin/env bash
# Builds the sluice binary (Release, no tests) into BUILD_DIR (default build/release):
# the one build recipe quickstart.sh and docker/Dockerfile share (CI's scripts/test.sh
# builds the same sources with tests and sanitizers on top).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build/release}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target sluice
