#!/usr/bin/env bash
# Installs the Debian 12 packages sluice needs, and only those missing.
# Shared by quickstart.sh, test.sh, CI and docker/Dockerfile so all run the same steps.
# usage: scripts/install-deps.sh [--servers | --sanitize]
#   --servers adds PostgreSQL, MariaDB and openssl for the tests; --sanitize adds clang and
#   its sanitizer and libFuzzer runtime for scripts/test.sh --sanitize.
set -euo pipefail

# tzdata: the zone rules connections' `timezone:` reads (a debian:12 image has none).
build_pkgs=(build-essential cmake pkg-config libyaml-cpp-dev libpq-dev libsqlite3-dev
  libmysqlcppconn-dev libspdlog-dev libboost-program-options-dev libgtest-dev libgmock-dev
  libbenchmark-dev liblua5.4-dev nlohmann-json3-dev sqlite3 unixodbc-dev libmariadb-dev
  libcpp-httplib-dev libabsl-dev tzdata)
server_pkgs=(postgresql postgresql-client mariadb-server mariadb-client procps openssl
  odbc-postgresql odbc-mariadb libsqliteodbc)
sanitize_pkgs=(clang-14 libclang-rt-14-dev)

wanted=("${build_pkgs[@]}")
if [[ "${1:-}" == "--servers" ]]; then wanted+=("${server_pkgs[@]}"); fi
if [[ "${1:-}" == "--sanitize" ]]; then wanted+=("${sanitize_pkgs[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then exit 0; fi

echo "sluice: installing missing packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Debian's postgresql package creates and starts a default cluster; tests use their own
# throwaway cluster, so keep the package from starting anything where we can.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
