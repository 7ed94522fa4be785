#!/usr/bin/env bash
# Throughput and memory of sluice against the databases' own bulk tools, measured in
# one run on the same machine, reported as ratios (these machines are too noisy for
# absolute targets).
#
#   bench/run.sh [ROWS]      (default 1,000,000; needs nothing running: starts throwaway
#                             servers like scripts/test.sh unless SLUICE_TEST_*_URL are set)
#
# Cases:
#   MariaDB -> PostgreSQL   sluice run   vs  mariadb --batch | psql \copy FROM STDIN
#   PostgreSQL -> MariaDB   sluice run   vs  psql \copy TO STDOUT | LOAD DATA LOCAL INFILE
#   SQLite -> SQLite        sluice run   vs  sqlite3 INSERT INTO ... SELECT (same process)
#   ODBC sinks              the two server copies again, written through psqlODBC and
#                           MariaDB Connector/ODBC (parameter arrays), beside the native drivers
#   memory                  peak RSS of sluice for ROWS/4 and ROWS rows (should not grow)
#   verify                  `sluice verify` of the two server copies (checksums per key
#                           range on both servers) against the time of the copy itself
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}

scripts/install-deps.sh --servers
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=ON >/dev/null
cmake --build build/bench -j"$(nproc)" >/dev/null
sluice=$PWD/build/bench/sluice
measure=$PWD/build/bench/bench/sluice_measure

if [[ -z "${SLUICE_TEST_PG_URL:-}" || -z "${SLUICE_TEST_MYSQL_URL:-}" ]]; then
  source scripts/test-servers.sh
  start_test_servers
  trap stop_test_servers EXIT
fi
work=$(mktemp -d /tmp/sluice-bench.XXXXXX)
trap 'rm -rf "$work"; [[ $(type -t stop_test_servers) == function ]] && stop_test_servers' EXIT

my_hostport=${SLUICE_TEST_MYSQL_URL#*@}; my_hostport=${my_hostport%%/*}
my_host=${my_hostport%:*}; my_port=${my_hostport##*:}
my=(mariadb --no-defaults -h "$my_host" -P "$my_port" -usluice -psluice sluice_test)
pg=(psql -q -X "$SLUICE_TEST_PG_URL")

echo "preparing $rows rows..."
"${my[@]}" -e "DROP TABLE IF EXISTS bench_src; CREATE TABLE bench_src (id bigint PRIMARY KEY, name varchar(60) NOT NULL,
  amount decimal(14,2) NOT NULL, created datetime(6) NOT NULL, note text NOT NULL);
  INSERT INTO bench_src SELECT seq, CONCAT('customer ', seq), seq / 7, '2020-01-01' + INTERVAL seq SECOND,
  REPEAT('x', 40 + seq % 60) FROM seq_1_to_$rows;"
ddl="(id bigint PRIMARY KEY, name varchar(60) NOT NULL, amount numeric(14,2) NOT NULL, created timestamp(6) NOT NULL, note text NOT NULL)"
"${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_ref, bench_dst, bench_pg_src" -c "CREATE TABLE bench_ref $ddl"

time_of() { "$measure" "$@" 2>&1 >/dev/null | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$rows" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }

pipeline_with() {  # name from_connection from_table to_connection to_table (YAML flow mappings)
  cat >"$work/$1.yaml" <<YAML
version: 1
name: bench-$1
connections:
  src: $2
  dst: $4
defaults: {batch_size: 10000, commit_every: 10}
steps:
  - {name: copy, extract: {from: src, table: $3}, load: {to: dst, table: $5}}
YAML
  echo "$work/$1.yaml"
}
pipeline() { pipeline_with "$1" "{url: \"$2\"}" "$3" "{url: \"$4\"}" "$5"; }  # name from_url from_table to_url to_table
pipeline_odbc() { pipeline_with "$1" "{url: \"$2\"}" "$3" "{connection_string: \"$4\"}" "$5"; }  # ... to_connection_string ...
odbc_dir=/usr/lib/x86_64-linux-gnu/odbc
pg_hostport=${SLUICE_TEST_PG_URL#*@}; pg_hostport=${pg_hostport%%/*}
pg_odbc="Driver=$odbc_dir/psqlodbcw.so;Servername=${pg_hostport%:*};Port=${pg_hostport##*:};Database=sluice_test;UID=sluice;PWD=sluice"
my_odbc="Driver=$odbc_dir/libmaodbc.so;Server=$my_host;Port=$my_port;Database=sluice_test;UID=sluice;PWD=sluice;CHARSET=utf8mb4"

# MariaDB -> PostgreSQL
ref=$(time_of bash -c "$(printf '%q ' "${my[@]}") --batch --skip-column-names --quick -e 'SELECT id, name, amount, created, note FROM bench_src ORDER BY id' | $(printf '%q ' "${pg[@]}") -c '\\copy bench_ref FROM STDIN'")
run=$(time_of "$sluice" run "$(pipeline my_pg "$SLUICE_TEST_MYSQL_URL" bench_src "$SLUICE_TEST_PG_URL" bench_dst)" --log-level warn)
my_pg_ref=${ref%% *}; my_pg=${run%% *}
check=$("${pg[@]}" -At -c "SELECT (SELECT count(*) FROM bench_dst) = $rows")
[[ $check == t ]] || { echo "MariaDB -> PostgreSQL copy incomplete"; exit 1; }

# PostgreSQL -> MariaDB (the source is what sluice just loaded)
"${my[@]}" -e "DROP TABLE IF EXISTS bench_ref, bench_back; CREATE TABLE bench_ref LIKE bench_src"
ref=$(time_of bash -c "$(printf '%q ' "${pg[@]}") -c '\\copy (SELECT id, name, amount, created, note FROM bench_dst ORDER BY id) TO STDOUT' | $(printf '%q ' "${my[@]}") --local-infile=1 -e \"LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE bench_ref\"")
run=$(time_of "$sluice" run "$(pipeline pg_my "$SLUICE_TEST_PG_URL" bench_dst "$SLUICE_TEST_MYSQL_URL" bench_back)" --log-level warn)
pg_my_ref=${ref%% *}; pg_my=${run%% *}

# The same two copies into ODBC sinks.
"${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_odbc_dst"
run=$(time_of "$sluice" run "$(pipeline_odbc my_pg_odbc "$SLUICE_TEST_MYSQL_URL" bench_src "$pg_odbc" bench_odbc_dst)" --log-level warn)
my_pg_odbc=${run%% *}
check=$("${pg[@]}" -At -c "SELECT (SELECT count(*) FROM bench_odbc_dst) = $rows")
[[ $check == t ]] || { echo "MariaDB -> PostgreSQL (ODBC) copy incomplete"; exit 1; }
"${my[@]}" -e "DROP TABLE IF EXISTS bench_odbc_back"
run=$(time_of "$sluice" run "$(pipeline_odbc pg_my_odbc "$SLUICE_TEST_PG_URL" bench_dst "$my_odbc" bench_odbc_back)" --log-level warn)
pg_my_odbc=${run%% *}
check=$("${my[@]}" --skip-column-names -e "SELECT COUNT(*) = $rows FROM bench_odbc_back")
[[ $check == 1 ]] || { echo "PostgreSQL -> MariaDB (ODBC) copy incomplete"; exit 1; }

# SQLite -> SQLite
sqlite3 "$work/src.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount DECIMAL TEXT(14,2) NOT NULL,
  created DATETIME NOT NULL, note TEXT NOT NULL);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
  INSERT INTO t SELECT i, 'customer ' || i, printf('%d.%02d', i / 7, i % 100), '2020-01-01 00:00:00', substr(hex(zeroblob(50)), 1, 40 + i % 60) FROM n;"
ref=$(time_of sqlite3 "$work/ref.db" "ATTACH '$work/src.db' AS s; CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
  amount DECIMAL TEXT(14,2) NOT NULL, created DATETIME NOT NULL, note TEXT NOT NULL); INSERT INTO t SELECT * FROM s.t;")
run=$(time_of "$sluice" run "$(pipeline lite "sqlite:$work/src.db" t "sqlite:$work/dst.db" t)" --log-level warn)
lite_ref=${ref%% *}; lite=${run%% *}

# Memory: a quarter of the rows, then all of them (MariaDB -> PostgreSQL)
"${my[@]}" -e "DROP TABLE IF EXISTS bench_quarter; CREATE TABLE bench_quarter LIKE bench_src;
  INSERT INTO bench_quarter SELECT * FROM bench_src WHERE id <= $((rows / 4))"
"${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_mem_q, bench_mem_f"
q=$(time_of "$sluice" run "$(pipeline mem_q "$SLUICE_TEST_MYSQL_URL" bench_quarter "$SLUICE_TEST_PG_URL" bench_mem_q)" --log-level warn)
f=$(time_of "$sluice" run "$(pipeline mem_f "$SLUICE_TEST_MYSQL_URL" bench_src "$SLUICE_TEST_PG_URL" bench_mem_f)" --log-level warn)
rss_q=$(echo "$q" | awk '{print $2}'); rss_f=$(echo "$f" | awk '{print $2}')

# verify of the two server copies (equal: checksums alone), against the copies' own time
v=$(time_of "$sluice" verify "$work/my_pg.yaml"); my_pg_verify=${v%% *}
v=$(time_of "$sluice" verify "$work/pg_my.yaml"); pg_my_verify=${v%% *}

printf '\n%-24s %10s %12s %8s %12s\n' case "sluice s" "reference s" ratio "sluice rows/s"
printf '%-24s %10s %12s %8s %12s\n' "MariaDB -> PostgreSQL" "$my_pg" "$my_pg_ref" "$(ratio "$my_pg" "$my_pg_ref")" "$(rate "$my_pg")"
printf '%-24s %10s %12s %8s %12s\n' "PostgreSQL -> MariaDB" "$pg_my" "$pg_my_ref" "$(ratio "$pg_my" "$pg_my_ref")" "$(rate "$pg_my")"
printf '%-24s %10s %12s %8s %12s\n' "SQLite -> SQLite" "$lite" "$lite_ref" "$(ratio "$lite" "$lite_ref")" "$(rate "$lite")"
printf '%-24s %10s %12s %8s %12s   (%s x native sink)\n' "MariaDB -> PG (ODBC)" "$my_pg_odbc" "$my_pg_ref" "$(ratio "$my_pg_odbc" "$my_pg_ref")" \
  "$(rate "$my_pg_odbc")" "$(ratio "$my_pg_odbc" "$my_pg")"
printf '%-24s %10s %12s %8s %12s   (%s x native sink)\n' "PG -> MariaDB (ODBC)" "$pg_my_odbc" "$pg_my_ref" "$(ratio "$pg_my_odbc" "$pg_my_ref")" \
  "$(rate "$pg_my_odbc")" "$(ratio "$pg_my_odbc" "$pg_my")"
printf '%-24s %10s %12s %8s %12s   (reference: the copy)\n' "verify MariaDB -> PG" "$my_pg_verify" "$my_pg" "$(ratio "$my_pg_verify" "$my_pg")" "$(rate "$my_pg_verify")"
printf '%-24s %10s %12s %8s %12s   (reference: the copy)\n' "verify PG -> MariaDB" "$pg_my_verify" "$pg_my" "$(ratio "$pg_my_verify" "$pg_my")" "$(rate "$pg_my_verify")"
printf '\npeak RSS: %s KiB for %s rows, %s KiB for %s rows (ratio %s)\n' "$rss_q" $((rows / 4)) "$rss_f" "$rows" "$(ratio "$rss_f" "$rss_q")"
echo "(ratio = sluice time / the databases' own tools; lower is better; 1.00 = at their bulk-load limit)"
