#!/usr/bin/env bash
# Installs what is missing, starts throwaway PostgreSQL and MariaDB servers on loopback
# (free ports, a temp folder; servers already on the machine are never touched), builds,
# runs every test with ctest, and stops the servers on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh --servers

build_dir=${SLUICE_BUILD_DIR:-build/test}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

source scripts/test-servers.sh
start_test_servers
trap stop_test_servers EXIT

cd "$build_dir"
# Serial: integration tests share the servers (one restarts PostgreSQL on purpose).
ctest --output-on-failure --timeout 900 "$@"
