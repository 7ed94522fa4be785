#!/usr/bin/env bash
# Installs what is missing, builds sluice (Release) and runs pipelines/quickstart.yaml:
# CSV fixtures → SQLite, then one table reshaped into another. No server needed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh build/release

echo
build/release/sluice run pipelines/quickstart.yaml
echo
echo "Result: out/quickstart.db (tables customers, orders, contacts)."
echo "Look at it with: sqlite3 out/quickstart.db 'SELECT * FROM contacts'"
