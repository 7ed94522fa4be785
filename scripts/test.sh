#!/usr/bin/env bash
# Installs what is missing, starts throwaway PostgreSQL and MariaDB servers on loopback
# (free ports, a temp folder; servers already on the machine are never touched), builds,
# runs every test with ctest, and stops the servers on exit, also on failure.
#
#   scripts/test.sh [ctest args]      the full suite (g++, RelWithDebInfo)
#   scripts/test.sh --sanitize [SECS] clang with AddressSanitizer + UndefinedBehaviorSanitizer:
#                                     unit and server-free tests, each fuzz target over its
#                                     seed corpus, then each fuzzed for SECS seconds (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--sanitize" ]]; then
  fuzz_seconds=${2:-60}
  scripts/install-deps.sh --sanitize
  build_dir=${SLUICE_SANITIZE_BUILD_DIR:-build/sanitize}
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=ON \
    -DSLUICE_SANITIZE=ON -DSLUICE_FUZZ=ON >/dev/null
  cmake --build "$build_dir" -j"$(nproc)"
  # Leaks fail too; UBSan stops at the first report (-fno-sanitize-recover).
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd "$build_dir" && ctest --output-on-failure --timeout 600 -L 'unit|local|fuzz')
  corpus_root=$(pwd)/tests/fuzz/corpus
  work=$(mktemp -d /tmp/sluice-fuzz.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  for target in fuzz_pipeline fuzz_csv fuzz_url; do
    mkdir -p "$work/$target"
    echo "fuzzing $target for ${fuzz_seconds}s"
    (cd "$work" && "$OLDPWD/$build_dir/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -timeout=5 -rss_limit_mb=2048 \
      -print_final_stats=1 "$work/$target" "$corpus_root/$target" 2>"$work/$target.log") || {
      tail -n 60 "$work/$target.log"
      echo "sluice: $target found a problem; the input is in the log above (and $work/crash-* / timeout-*)" >&2
      cp "$work"/crash-* "$work"/timeout-* "$work"/oom-* . 2>/dev/null || true
      exit 1
    }
    grep -E "stat::number_of_executed_units" "$work/$target.log" || true
  done
  exit 0
fi

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
