# Sourced by scripts/test.sh: throwaway PostgreSQL 15 and MariaDB servers in a temp
# folder on loopback, on free ports. Exports SLUICE_TEST_PG_URL and SLUICE_TEST_MYSQL_URL
# (plus the admin URLs and data folders the fault tests use to restart servers).

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

# Runs a command as the given system user when we are root (servers refuse root).
as_user() {
  local user=$1; shift
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

start_test_servers() {
  SLUICE_SERVERS_DIR=$(mktemp -d /tmp/sluice-servers.XXXXXX)
  export SLUICE_SERVERS_DIR
  chmod 755 "$SLUICE_SERVERS_DIR"
  local pg_user=postgres my_user=mysql
  if [[ $(id -u) -ne 0 ]]; then pg_user=$(id -un); my_user=$(id -un); fi

  # PostgreSQL
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local pgport; pgport=$(free_port)
  mkdir -p "$SLUICE_SERVERS_DIR/pg" "$SLUICE_SERVERS_DIR/pgsock"
  echo "postgres" > "$SLUICE_SERVERS_DIR/pgpass"
  chown -R "$pg_user" "$SLUICE_SERVERS_DIR/pg" "$SLUICE_SERVERS_DIR/pgsock" "$SLUICE_SERVERS_DIR/pgpass"
  as_user "$pg_user" "$pgbin/initdb" -D "$SLUICE_SERVERS_DIR/pg/data" -U postgres --pwfile="$SLUICE_SERVERS_DIR/pgpass" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$SLUICE_SERVERS_DIR/pg/initdb.log"
  as_user "$pg_user" "$pgbin/pg_ctl" -D "$SLUICE_SERVERS_DIR/pg/data" -l "$SLUICE_SERVERS_DIR/pg/server.log" -w \
    -o "-p $pgport -k $SLUICE_SERVERS_DIR/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  as_user "$pg_user" "$pgbin/psql" -q -h "$SLUICE_SERVERS_DIR/pgsock" -p "$pgport" -U postgres -d postgres \
    -c "CREATE ROLE sluice LOGIN SUPERUSER PASSWORD 'sluice'" -c "CREATE DATABASE sluice_test OWNER sluice" >/dev/null
  export SLUICE_TEST_PG_URL="postgres://sluice:sluice@127.0.0.1:$pgport/sluice_test"
  export SLUICE_TEST_PG_BIN="$pgbin" SLUICE_TEST_PG_DATA="$SLUICE_SERVERS_DIR/pg/data" SLUICE_TEST_PG_USER="$pg_user"
  export SLUICE_TEST_PG_OPTS="-p $pgport -k $SLUICE_SERVERS_DIR/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"

  # MariaDB
  local myport; myport=$(free_port)
  mkdir -p "$SLUICE_SERVERS_DIR/my"
  chown -R "$my_user" "$SLUICE_SERVERS_DIR/my"
  mariadb-install-db --no-defaults --datadir="$SLUICE_SERVERS_DIR/my/data" --user="$my_user" \
    --auth-root-authentication-method=normal >"$SLUICE_SERVERS_DIR/my/install.log" 2>&1
  local myd; myd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$myd" --no-defaults --datadir="$SLUICE_SERVERS_DIR/my/data" --user="$my_user" --port="$myport" \
    --bind-address=127.0.0.1 --socket="$SLUICE_SERVERS_DIR/my/mysqld.sock" --pid-file="$SLUICE_SERVERS_DIR/my/mysqld.pid" \
    --innodb-flush-log-at-trx-commit=2 --max-connections=300 \
    --log-error="$SLUICE_SERVERS_DIR/my/server.log" >"$SLUICE_SERVERS_DIR/my/stdout.log" 2>&1 &
  for _ in $(seq 1 120); do
    mariadb-admin --no-defaults --socket="$SLUICE_SERVERS_DIR/my/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb --no-defaults --socket="$SLUICE_SERVERS_DIR/my/mysqld.sock" -uroot -e "
    CREATE DATABASE sluice_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice';
    CREATE USER 'sluice'@'localhost' IDENTIFIED BY 'sluice';
    GRANT ALL ON *.* TO 'sluice'@'%' WITH GRANT OPTION;
    GRANT ALL ON *.* TO 'sluice'@'localhost' WITH GRANT OPTION;"
  export SLUICE_TEST_MYSQL_URL="mysql://sluice:sluice@127.0.0.1:$myport/sluice_test"
  echo "test servers: PostgreSQL on 127.0.0.1:$pgport, MariaDB on 127.0.0.1:$myport ($SLUICE_SERVERS_DIR)"
}

stop_test_servers() {
  [[ -n "${SLUICE_SERVERS_DIR:-}" && -d "$SLUICE_SERVERS_DIR" ]] || return 0
  as_user "${SLUICE_TEST_PG_USER:-postgres}" "$SLUICE_TEST_PG_BIN/pg_ctl" -D "$SLUICE_TEST_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  if [[ -f "$SLUICE_SERVERS_DIR/my/mysqld.pid" ]]; then
    kill "$(cat "$SLUICE_SERVERS_DIR/my/mysqld.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -f "$SLUICE_SERVERS_DIR/my/mysqld.pid" ]] || break; sleep 0.5; done
  fi
  rm -rf "$SLUICE_SERVERS_DIR"
}
