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
  mkdir -p "$dir/pg" "$dir/pgsock" "$dir/my"
  cp "$dir/server.pem" "$dir/server.key" "$dir/pg/"
  cp "$dir/server.pem" "$dir/server.key" "$dir/my/"
  chmod 600 "$dir/pg/server.key" "$dir/my/server.key"
  echo postgres > "$dir/pgpass"
  chown -R "$pg_user" "$dir/pg" "$dir/pgsock" "$dir/pgpass"
  chown -R "$my_user" "$dir/my"

  local pgbin; pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local pgport; pgport=$(free_port)
  as_user "$pg_user" "$pgbin/initdb" -D "$dir/pg/data" -U postgres --pwfile="$dir/pgpass" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log"
  echo "host all all 127.0.0.0/8 scram-sha-256" >>"$dir/pg/data/pg_hba.conf"
  as_user "$pg_user" "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -o "-p $pgport -k $dir/pgsock \
    -c listen_addresses=127.0.0.1,127.0.0.2 -c fsync=off -c ssl=on -c ssl_cert_file=$dir/pg/server.pem \
    -c ssl_key_file=$dir/pg/server.key" start >/dev/null
  as_user "$pg_user" "$pgbin/psql" -q -h "$dir/pgsock" -p "$pgport" -U postgres -d postgres \
    -c "CREATE ROLE sluice LOGIN SUPERUSER PASSWORD 'sluice'" -c "CREATE DATABASE sluice_test OWNER sluice" >/dev/null

  local myport; myport=$(free_port)
  mariadb-install-db --no-defaults --datadir="$dir/my/data" --user="$my_user" \
    --auth-root-authentication-method=normal >"$dir/my/install.log" 2>&1
  local myd; myd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$myd" --no-defaults --datadir="$dir/my/data" --user="$my_user" --port="$myport" --bind-address=127.0.0.1,127.0.0.2 \
    --socket="$dir/my/mysqld.sock" --pid-file="$dir/my/mysqld.pid" --innodb-flush-log-at-trx-commit=2 \
    --ssl-ca="$dir/ca.pem" --ssl-cert="$dir/my/server.pem" --ssl-key="$dir/my/server.key" \
    --log-error="$dir/my/server.log" >"$dir/my/stdout.log" 2>&1 &
  for _ in $(seq 1 120); do
    mariadb-admin --no-defaults --socket="$dir/my/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --no-defaults --socket="$dir/my/mysqld.sock" -uroot -e "
    CREATE DATABASE sluice_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice';
    CREATE USER 'sluice'@'localhost' IDENTIFIED BY 'sluice';
    GRANT ALL ON *.* TO 'sluice'@'%';
    GRANT ALL ON *.* TO 'sluice'@'localhost';"
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
  as_user "$TLS_PG_USER" "$TLS_PG_BIN/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [[ -f "$dir/my/mysqld.pid" ]]; then
    kill "$(cat "$dir/my/mysqld.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -f "$dir/my/mysqld.pid" ]] || break; sleep 0.5; done
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
