# Sourced by scripts/test.sh: throwaway PostgreSQL 15 and MariaDB servers in a temp
# folder on loopback, on free ports. Exports SLUICE_TEST_PG_URL and SLUICE_TEST_MYSQL_URL
# (plus the admin URLs and data folders the fault tests use to restart servers).

# A port nobody listens on, chosen below the kernel's ephemeral range: a port inside it can be
# the local end of some client connection, which a server then fails to bind on one address
# while still starting on the others (seen in CI: PostgreSQL up on 127.0.0.2, refused on 127.0.0.1).
free_port() {
  local low=32768 high port
  read -r low high < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  local top=$((low > 12000 ? low - 1 : 60999)) bottom=$((low > 12000 ? 10000 : high + 1))
  for _ in $(seq 1 200); do
    port=$((bottom + RANDOM % (top - bottom)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}

# wait_tcp HOST PORT WHAT LOG: fails loudly unless HOST:PORT accepts connections within 30 s.
wait_tcp() {
  local host=$1 port=$2 what=$3 log=$4
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "$what does not accept connections on $host:$port; its log ($log) ends with:" >&2
  tail -n 20 "$log" >&2 || true
  return 1
}

# Runs a command as the given system user when we are root (servers refuse root).
as_user() {
  local user=$1; shift
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT USER "SERVER OPTIONS": a cluster in DIR/pg (socket in DIR/pgsock)
# with role and database sluice_test owned by sluice/sluice, listening on loopback.
start_postgres() {
  local dir=$1 port=$2 user=$3 opts=$4
  local pgbin; pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  mkdir -p "$dir/pg" "$dir/pgsock"
  echo "postgres" > "$dir/pgpass"
  chown -R "$user" "$dir/pg" "$dir/pgsock" "$dir/pgpass"
  as_user "$user" "$pgbin/initdb" -D "$dir/pg/data" -U postgres --pwfile="$dir/pgpass" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/pg/initdb.log"
  echo "host all all 127.0.0.0/8 scram-sha-256" >>"$dir/pg/data/pg_hba.conf"
  as_user "$user" "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -o "-p $port -k $dir/pgsock $opts" start >/dev/null
  as_user "$user" "$pgbin/psql" -q -h "$dir/pgsock" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE sluice LOGIN SUPERUSER PASSWORD 'sluice'" -c "CREATE DATABASE sluice_test OWNER sluice" >/dev/null
  local addresses; addresses=$(sed -n 's/.*listen_addresses=\([^ ]*\).*/\1/p' <<<"$opts")
  local host
  for host in ${addresses//,/ }; do wait_tcp "$host" "$port" PostgreSQL "$dir/pg/server.log"; done
  PG_BIN=$pgbin
}

# start_mariadb DIR PORT USER [SERVER ARGS...]: a server in DIR/my with database sluice_test
# and user sluice/sluice, listening on loopback.
start_mariadb() {
  local dir=$1 port=$2 user=$3; shift 3
  # Its own temp folder: information_schema queries use on-disk temp tables, which
  # nothing else on the machine should be able to clean away under the server.
  mkdir -p "$dir/my/tmp"
  chown -R "$user" "$dir/my"
  mariadb-install-db --no-defaults --datadir="$dir/my/data" --user="$user" \
    --auth-root-authentication-method=normal >"$dir/my/install.log" 2>&1
  local myd; myd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  "$myd" --no-defaults --datadir="$dir/my/data" --user="$user" --port="$port" \
    --socket="$dir/my/mysqld.sock" --pid-file="$dir/my/mysqld.pid" \
    --innodb-flush-log-at-trx-commit=2 --max-connections=300 --tmpdir="$dir/my/tmp" \
    --log-error="$dir/my/server.log" "$@" >"$dir/my/stdout.log" 2>&1 &
  for _ in $(seq 1 120); do
    mariadb-admin --no-defaults --socket="$dir/my/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  wait_tcp 127.0.0.1 "$port" MariaDB "$dir/my/server.log"
  mariadb --no-defaults --socket="$dir/my/mysqld.sock" -uroot -e "
    CREATE DATABASE sluice_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    CREATE USER 'sluice'@'%' IDENTIFIED BY 'sluice';
    CREATE USER 'sluice'@'localhost' IDENTIFIED BY 'sluice';
    GRANT ALL ON *.* TO 'sluice'@'%' WITH GRANT OPTION;
    GRANT ALL ON *.* TO 'sluice'@'localhost' WITH GRANT OPTION;"
}

# Stops what start_postgres and start_mariadb started in DIR.
stop_servers_in() {
  local dir=$1 pg_user=$2 pgbin=$3
  as_user "$pg_user" "$pgbin/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  if [[ -f "$dir/my/mysqld.pid" ]]; then
    kill "$(cat "$dir/my/mysqld.pid")" 2>/dev/null || true
    for _ in $(seq 1 60); do [[ -f "$dir/my/mysqld.pid" ]] || break; sleep 0.5; done
  fi
}

start_test_servers() {
  SLUICE_SERVERS_DIR=$(mktemp -d /tmp/sluice-servers.XXXXXX)
  export SLUICE_SERVERS_DIR
  chmod 755 "$SLUICE_SERVERS_DIR"
  local pg_user=postgres my_user=mysql
  if [[ $(id -u) -ne 0 ]]; then pg_user=$(id -un); my_user=$(id -un); fi

  local pgport; pgport=$(free_port)
  local pgopts="-c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
  start_postgres "$SLUICE_SERVERS_DIR" "$pgport" "$pg_user" "$pgopts"
  export SLUICE_TEST_PG_URL="postgres://sluice:sluice@127.0.0.1:$pgport/sluice_test"
  export SLUICE_TEST_PG_BIN="$PG_BIN" SLUICE_TEST_PG_DATA="$SLUICE_SERVERS_DIR/pg/data" SLUICE_TEST_PG_USER="$pg_user"
  export SLUICE_TEST_PG_OPTS="-p $pgport -k $SLUICE_SERVERS_DIR/pgsock $pgopts"

  local myport; myport=$(free_port)
  start_mariadb "$SLUICE_SERVERS_DIR" "$myport" "$my_user" --bind-address=127.0.0.1
  export SLUICE_TEST_MYSQL_URL="mysql://sluice:sluice@127.0.0.1:$myport/sluice_test"
  echo "test servers: PostgreSQL on 127.0.0.1:$pgport, MariaDB on 127.0.0.1:$myport ($SLUICE_SERVERS_DIR)"
}

stop_test_servers() {
  [[ -n "${SLUICE_SERVERS_DIR:-}" && -d "$SLUICE_SERVERS_DIR" ]] || return 0
  stop_servers_in "$SLUICE_SERVERS_DIR" "${SLUICE_TEST_PG_USER:-postgres}" "$SLUICE_TEST_PG_BIN"
  rm -rf "$SLUICE_SERVERS_DIR"
}
