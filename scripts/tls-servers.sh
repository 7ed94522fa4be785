#!/usr/bin/env bash
# TLS-enabled PostgreSQL and MariaDB for the TLS tests, with a CA generated here.
#   scripts/tls-servers.sh start DIR   writes DIR/env (ports, CA files) and starts both
#   scripts/tls-servers.sh stop DIR    stops them
# The server certificate names only 127.0.0.1 (IP SAN); both servers also listen on
# 127.0.0.2, so a test can reach them under a name the certificate does not carry.
# A second CA that signed nothing lets a test check that verification fails closed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/test-servers.sh"
cmd=$1 dir=$2
trap 'echo "tls-servers.sh: failed at line $LINENO (logs in $dir)" >&2' ERR

start() {
  mkdir -p "$dir"
  chmod 755 "$dir"
  local pg_user=postgres my_user=mysql
  if [[ $(id -u) -ne 0 ]]; then pg_user=$(id -un); my_user=$(id -un); fi
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sluice test CA" -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" -keyout other-ca.key -out other-ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=sluice test server" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
    chmod 644 server.pem ca.pem other-ca.pem
  )
  # Each server reads its own copy of the key (PostgreSQL insists on 0600 and ownership).
  mkdir -p "$dir/pg" "$dir/my"
  cp "$dir/server.pem" "$dir/server.key" "$dir/pg/"
  cp "$dir/server.pem" "$dir/server.key" "$dir/my/"
  chmod 600 "$dir/pg/server.key" "$dir/my/server.key"
  local pgport; pgport=$(free_port)
  start_postgres "$dir" "$pgport" "$pg_user" "-c listen_addresses=127.0.0.1,127.0.0.2 -c fsync=off -c ssl=on \
    -c ssl_cert_file=$dir/pg/server.pem -c ssl_key_file=$dir/pg/server.key"
  local pgbin=$PG_BIN
  local myport; myport=$(free_port)
  start_mariadb "$dir" "$myport" "$my_user" --bind-address=127.0.0.1,127.0.0.2 \
    --ssl-ca="$dir/ca.pem" --ssl-cert="$dir/my/server.pem" --ssl-key="$dir/my/server.key"
  cat > "$dir/env" <<ENV
TLS_PG_PORT=$pgport
TLS_MY_PORT=$myport
TLS_CA=$dir/ca.pem
TLS_OTHER_CA=$dir/other-ca.pem
TLS_PG_BIN=$pgbin
TLS_PG_USER=$pg_user
ENV
}

stop() {
  [[ -f "$dir/env" ]] || return 0
  # shellcheck disable=SC1091
  source "$dir/env"
  stop_servers_in "$dir" "$TLS_PG_USER" "$TLS_PG_BIN"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
