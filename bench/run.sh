#!/usr/bin/env bash
# Throughput and memory of sluice against the databases' own bulk loaders, measured in
# one run on one machine and reported as ratios (these machines are too noisy for
# absolute targets). Nothing here is an assertion: the table goes to the terminal and to
# bench/results/, and every target is checked (count and column sums against the
# source's) so that a fast wrong copy cannot look good.
#
#   bench/run.sh [ROWS [BIG_ROWS]]     (default 1,000,000; ROUNDS=3 runs of each case)
#
# Starts throwaway servers like scripts/test.sh unless SLUICE_TEST_*_URL are set.
# The data: ROWS rows of a 10-column table with the variety of real ones (bigint key,
# ints, varchar with non-ASCII, exact decimal, microsecond timestamp, boolean, nullable
# text with quotes/newlines/non-ASCII, a ~200-byte JSON text), in PostgreSQL, MariaDB,
# SQLite and CSV alike. Each round runs every case once, round-robin, so that a slow
# moment of the machine hits all of them; the table shows medians.
#
# Cases (sluice, single stream)      reference (the database's own tool, same rows)
#   SQLite, MariaDB, PG, CSV -> PG   psql \copy FROM a local CSV file (and binary COPY)
#   PG, SQLite -> MariaDB            LOAD DATA LOCAL INFILE from a local file
#   PG -> SQLite                     sqlite3 .import of the CSV file
#   MariaDB, PG -> PG --parallel 2/4 the same copy in one stream
#   MariaDB -> PG (pgloader)         when pgloader is installed
#   verify (checksums)               the copy it verifies
# With BIG_ROWS: MariaDB -> PG and PG -> PG again at that size (time and peak RSS
# against the ROWS run: flat memory, linear time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
big=${2:-}
rounds=${ROUNDS:-3}

scripts/install-deps.sh --servers
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=ON >/dev/null
cmake --build build/bench -j"$(nproc)" >/dev/null
sluice=$PWD/build/bench/sluice
measure=$PWD/build/bench/bench/sluice_measure

if [[ -z "${SLUICE_TEST_PG_URL:-}" || -z "${SLUICE_TEST_MYSQL_URL:-}" ]]; then
  source scripts/test-servers.sh
  start_test_servers
fi
work=$(mktemp -d /tmp/sluice-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"; [[ $(type -t stop_test_servers) == function ]] && stop_test_servers' EXIT
mkdir -p bench/results
results=bench/results/$(date -u +%Y%m%dT%H%M%SZ)-$rows.txt

my_hostport=${SLUICE_TEST_MYSQL_URL#*@}; my_hostport=${my_hostport%%/*}
my=(mariadb --no-defaults -h "${my_hostport%:*}" -P "${my_hostport##*:}" -usluice -psluice sluice_test)
pg=(psql -q -X -v ON_ERROR_STOP=1 "$SLUICE_TEST_PG_URL")
PG=$SLUICE_TEST_PG_URL MY=$SLUICE_TEST_MYSQL_URL

pg_ddl="(id bigint PRIMARY KEY, customer_id integer NOT NULL, qty smallint NOT NULL, name varchar(80) NOT NULL,
  amount numeric(14,2) NOT NULL, created timestamp(6) NOT NULL, active boolean NOT NULL, score integer, note text, payload text NOT NULL)"
my_ddl="(id bigint PRIMARY KEY, customer_id int NOT NULL, qty smallint NOT NULL, name varchar(80) NOT NULL,
  amount decimal(14,2) NOT NULL, created datetime(6) NOT NULL, active boolean NOT NULL, score int, note text, payload text NOT NULL)
  CHARACTER SET utf8mb4"
columns="id, customer_id, qty, name, amount, created, active, score, note, payload"

# make_data TABLE N: the dataset in PostgreSQL, and from it the files and the other databases.
make_data() {
  local t=$1 n=$2
  "${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS $t" -c "CREATE TABLE $t $pg_ddl" -c "
    INSERT INTO $t SELECT g, (g * 7919) % 100000, (g % 500)::smallint,
      'customer ' || g || CASE WHEN g % 10 = 0 THEN ' Müller-Łódź' ELSE '' END,
      round((g % 1000000) * 1.37 / 7, 2), timestamp '2020-01-01' + g * interval '1.000123 second', g % 3 <> 0,
      CASE WHEN g % 13 = 0 THEN NULL ELSE (g * 31) % 1000 END,
      CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 'said \"hi\", then left' WHEN 2 THEN E'two\\nlines\\ttab' WHEN 3 THEN 'naïve café ☕' ELSE '' END,
      '{\"id\":' || g || ',\"tags\":[\"alpha\",\"beta\",\"gamma\"],\"address\":{\"street\":\"' || repeat('x', 60 + (g % 40)::int) ||
        '\",\"city\":\"Zürich\",\"zip\":\"' || (10000 + g % 90000) || '\"},\"vip\":' || (g % 7 = 0) || ',\"score\":' || (g % 100) || '}'
    FROM generate_series(1::bigint, $n) g" -c "ANALYZE $t"
  # CSV with \N for NULL (so '' stays ''), and MariaDB's LOAD DATA text format.
  "${pg[@]}" -c "\\copy $t TO '$work/$t.csv' (FORMAT csv, HEADER, NULL '\\N')"
  "${pg[@]}" -c "\\copy (SELECT id, customer_id, qty, name, amount, created, active::int, score, note, payload FROM $t ORDER BY id) TO '$work/$t.tsv'"
  "${pg[@]}" -c "\\copy $t TO '$work/$t.bin' (FORMAT binary)"
  "${my[@]}" --local-infile=1 -e "DROP TABLE IF EXISTS $t; CREATE TABLE $t $my_ddl;
    LOAD DATA LOCAL INFILE '$work/$t.tsv' INTO TABLE $t CHARACTER SET utf8mb4"
}

# pipeline NAME FROM_URL FROM_TABLE TO_URL TO_TABLE [TRANSFORM]: a one-step copy.
pipeline() {
  local src="{url: \"$2\"}"
  [[ $2 == csv://* ]] && src="{url: \"$2\", null: '\\N'}"
  cat >"$work/$1.yaml" <<YAML
version: 1
name: bench-$1
connections:
  src: $src
  dst: {url: "$4"}
defaults: {}  # what a user gets: batch_size 5000, commit_every 10
steps:
  - {name: copy, extract: {from: src, table: $3}, ${6:+transform: [$6], }load: {to: dst, table: $5}}
YAML
  echo "$work/$1.yaml"
}
# The same copies written through ODBC (ODBC=1): psqlODBC and MariaDB Connector/ODBC parameter arrays.
pipeline_odbc() {
  sed "s|dst: {url: \"$4\"}|dst: {connection_string: \"$4\"}|" "$(pipeline "$1" "$2" "$3" "$4" "$5")" >"$work/$1.odbc" && mv "$work/$1.odbc" "$work/$1.yaml"
  echo "$work/$1.yaml"
}
# PG -> MariaDB written by each of sluice's MySQL write methods.
pipeline_method() {  # name method from_url from_table to_url to_table
  sed "s|dst: {url: \"$5\"}|dst: {url: \"$5\", write_method: $2}|" "$(pipeline "$1" "$3" "$4" "$5" "$6")" >"$work/$1.m" && mv "$work/$1.m" "$work/$1.yaml"
  echo "$work/$1.yaml"
}
odbc_dir=/usr/lib/x86_64-linux-gnu/odbc
pg_hostport=${PG#*@}; pg_hostport=${pg_hostport%%/*}
pg_odbc="Driver=$odbc_dir/psqlodbcw.so;Servername=${pg_hostport%:*};Port=${pg_hostport##*:};Database=sluice_test;UID=sluice;PWD=sluice"
my_odbc="Driver=$odbc_dir/libmaodbc.so;Server=${my_hostport%:*};Port=${my_hostport##*:};Database=sluice_test;UID=sluice;PWD=sluice;CHARSET=utf8mb4"
csv_cast="cast: {id: bigint, customer_id: int, qty: smallint, name: 'varchar(80)', amount: 'decimal(14,2)', created: timestamp, active: boolean, score: int}"

# Target preparation, outside the timed part.
drop_pg() { "${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS $1"; }
drop_my() { "${my[@]}" -e "DROP TABLE IF EXISTS $1"; }
fresh_pg() { drop_pg "$1"; "${pg[@]}" -c "CREATE TABLE $1 $pg_ddl"; }
fresh_my() { drop_my "$1"; "${my[@]}" -e "CREATE TABLE $1 $my_ddl"; }
lite_ddl() { sqlite3 "$work/lite_src.db" ".schema bench_src" | sed "s/bench_src/$1/"; }
fresh_lite() { rm -f "$work/$1.db"; sqlite3 "$work/$1.db" "$(lite_ddl t)"; }

# Independent of sluice: count and per-column sums, spelled for each database.
sum_pg() { "${pg[@]}" -At -c "SELECT count(*), sum(id), sum(customer_id), sum(qty), sum(round(amount * 100))::bigint, sum(active::int),
  count(score), sum(score), count(note), sum(length(note)), sum(length(payload)), sum(length(name)),
  to_char(max(created), 'YYYY-MM-DD HH24:MI:SS.US') FROM $1" | tr '|' ' '; }
sum_my() { "${my[@]}" --skip-column-names -e "SELECT COUNT(*), SUM(id), SUM(customer_id), SUM(qty), CAST(SUM(ROUND(amount * 100)) AS SIGNED),
  SUM(active), COUNT(score), SUM(score), COUNT(note), SUM(CHAR_LENGTH(note)), SUM(CHAR_LENGTH(payload)), SUM(CHAR_LENGTH(name)),
  DATE_FORMAT(MAX(created), '%Y-%m-%d %H:%i:%s.%f') FROM $1" | tr '\t' ' '; }
sum_lite() { sqlite3 -separator ' ' "$1" "SELECT count(*), sum(id), sum(customer_id), sum(qty), CAST(sum(round(amount * 100)) AS INTEGER),
  sum(active), count(score), sum(score), count(note), sum(length(note)), sum(length(payload)), sum(length(name)),
  substr(max(created) || '.000000', 1, 26) FROM $2"; }

declare -A expect  # dataset -> its sums
failed_refs=()
failures=()
check() {  # case got_sums dataset
  if [[ "$2" != "${expect[$3]}" ]]; then
    failures+=("$1: target sums '$2' differ from the source's '${expect[$3]}'")
  fi
}

samples=$work/samples  # case seconds rss_kib
timed() {  # case command...: one sample
  local out
  out=$("$measure" "${@:2}" 2>"$work/timed.err" >/dev/null; tail -1 "$work/timed.err") || true
  local code=${out##* }
  if [[ $code != 0 ]]; then
    echo "$1 failed (exit $code): ${*:2}" >&2; tail -5 "$work/timed.err" >&2
    # A reference tool may fail (pgloader runs out of heap): the table says so; sluice may not.
    [[ $1 == pgloader ]] || exit 1
    failed_refs+=("$1: $(grep -m1 -i 'exhausted\|error' "$work/timed.err" || echo "exit $code")")
    return 0
  fi
  echo "$1 $out" >>"$samples"
}

echo "preparing $rows rows..."
make_data bench_src "$rows"
expect[bench_src]=$(sum_pg bench_src)
# SQLite source and CSV folder from the same rows (through sluice, then checked).
mkdir -p "$work/csv"; cp "$work/bench_src.csv" "$work/csv/bench_src.csv"
"$sluice" run "$(pipeline lite_seed "$PG" bench_src "sqlite:$work/lite_src.db" bench_src)" --fresh --log-level warn
check "SQLite source" "$(sum_lite "$work/lite_src.db" bench_src)" bench_src

# The cases: name, then how to prepare (untimed) and run (timed) it.
pgloader_cmd=$(command -v pgloader || true)
run_case() {
  local c=$1
  case $c in
    ref_pg_csv) fresh_pg ref_t; timed "$c" "${pg[@]}" -c "\\copy ref_t FROM '$work/bench_src.csv' (FORMAT csv, HEADER, NULL '\\N')" ;;
    ref_pg_bin) fresh_pg ref_t; timed "$c" "${pg[@]}" -c "\\copy ref_t FROM '$work/bench_src.bin' (FORMAT binary)" ;;
    ref_my) fresh_my ref_t; timed "$c" "${my[@]}" --local-infile=1 -e "LOAD DATA LOCAL INFILE '$work/bench_src.tsv' INTO TABLE ref_t CHARACTER SET utf8mb4" ;;
    ref_lite) fresh_lite ref_lite; timed "$c" sqlite3 "$work/ref_lite.db" ".import --csv --skip 1 $work/bench_src.csv t" ;;
    lite_pg) drop_pg d_lite_pg; timed "$c" "$sluice" run "$(pipeline lite_pg "sqlite:$work/lite_src.db" bench_src "$PG" d_lite_pg)" --fresh --log-level warn ;;
    my_pg) drop_pg d_my_pg; timed "$c" "$sluice" run "$(pipeline my_pg "$MY" bench_src "$PG" d_my_pg)" --fresh --log-level warn ;;
    pg_pg) drop_pg d_pg_pg; timed "$c" "$sluice" run "$(pipeline pg_pg "$PG" bench_src "$PG" d_pg_pg)" --fresh --log-level warn ;;
    csv_pg) drop_pg d_csv_pg; timed "$c" "$sluice" run "$(pipeline csv_pg "csv://$work/csv" bench_src "$PG" d_csv_pg "$csv_cast")" --fresh --log-level warn ;;
    pg_my) drop_my d_pg_my; timed "$c" "$sluice" run "$(pipeline pg_my "$PG" bench_src "$MY" d_pg_my)" --fresh --log-level warn ;;
    lite_my) drop_my d_lite_my; timed "$c" "$sluice" run "$(pipeline lite_my "sqlite:$work/lite_src.db" bench_src "$MY" d_lite_my)" --fresh --log-level warn ;;
    pg_lite) rm -f "$work/d_pg_lite.db"; timed "$c" "$sluice" run "$(pipeline pg_lite "$PG" bench_src "sqlite:$work/d_pg_lite.db" bench_src)" --fresh --log-level warn ;;
    my_pg_p2) drop_pg d_my_pg_p2; timed "$c" "$sluice" run "$(pipeline my_pg_p2 "$MY" bench_src "$PG" d_my_pg_p2)" --fresh --parallel 2 --log-level warn ;;
    pg_pg_p2) drop_pg d_pg_pg_p2; timed "$c" "$sluice" run "$(pipeline pg_pg_p2 "$PG" bench_src "$PG" d_pg_pg_p2)" --fresh --parallel 2 --log-level warn ;;
    my_pg_p4) drop_pg d_my_pg_p4; timed "$c" "$sluice" run "$(pipeline my_pg_p4 "$MY" bench_src "$PG" d_my_pg_p4)" --fresh --parallel 4 --log-level warn ;;
    pg_my_bulk) drop_my d_pg_my_bulk; timed "$c" "$sluice" run "$(pipeline_method pg_my_bulk bulk "$PG" bench_src "$MY" d_pg_my_bulk)" --fresh --log-level warn ;;
    pg_my_ld) drop_my d_pg_my_ld; timed "$c" "$sluice" run "$(pipeline_method pg_my_ld load_data "$PG" bench_src "$MY" d_pg_my_ld)" --fresh --log-level warn ;;
    pg_my_ins) drop_my d_pg_my_ins; timed "$c" "$sluice" run "$(pipeline_method pg_my_ins insert "$PG" bench_src "$MY" d_pg_my_ins)" --fresh --log-level warn ;;
    my_pg_odbc) drop_pg d_my_pg_odbc; timed "$c" "$sluice" run "$(pipeline_odbc my_pg_odbc "$MY" bench_src "$pg_odbc" d_my_pg_odbc)" --fresh --log-level warn ;;
    pg_my_odbc) drop_my d_pg_my_odbc; timed "$c" "$sluice" run "$(pipeline_odbc pg_my_odbc "$PG" bench_src "$my_odbc" d_pg_my_odbc)" --fresh --log-level warn ;;
    pgloader)
      fresh_pg d_pgloader
      cat >"$work/pgloader.load" <<LOAD
LOAD DATABASE FROM ${MY/mysql:/mysql:} INTO ${PG/postgres:/postgresql:}
  WITH data only, truncate, workers = 2, concurrency = 1, prefetch rows = 10000
  INCLUDING ONLY TABLE NAMES MATCHING 'bench_src'
  ALTER TABLE NAMES MATCHING 'bench_src' RENAME TO 'd_pgloader'
  ALTER SCHEMA 'sluice_test' RENAME TO 'public';
LOAD
      timed "$c" "$pgloader_cmd" --quiet "$work/pgloader.load" ;;
  esac
}
cases=(ref_pg_csv ref_pg_bin ref_my ref_lite lite_pg my_pg pg_pg csv_pg pg_my lite_my pg_lite pg_my_bulk pg_my_ld pg_my_ins
  my_pg_p2 pg_pg_p2 my_pg_p4)
[[ -n $pgloader_cmd ]] && cases+=(pgloader)
[[ -n ${ODBC:-} ]] && cases+=(my_pg_odbc pg_my_odbc)
[[ -n ${CASES:-} ]] && read -r -a cases <<<"$CASES"  # CASES="ref_my pg_my_ld ...": only these
: >"$samples"
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds..."
  for c in "${cases[@]}"; do run_case "$c"; done
done

# Every sluice case's target, checked against the source (a case's name says its tables).
declare -A target_of=([lite_pg]="pg d_lite_pg" [my_pg]="pg d_my_pg" [pg_pg]="pg d_pg_pg" [csv_pg]="pg d_csv_pg"
  [my_pg_p2]="pg d_my_pg_p2" [pg_pg_p2]="pg d_pg_pg_p2" [my_pg_p4]="pg d_my_pg_p4" [my_pg_odbc]="pg d_my_pg_odbc"
  [pgloader]="pg d_pgloader" [pg_my]="my d_pg_my" [lite_my]="my d_lite_my" [pg_my_bulk]="my d_pg_my_bulk"
  [pg_my_ld]="my d_pg_my_ld" [pg_my_ins]="my d_pg_my_ins" [pg_my_odbc]="my d_pg_my_odbc" [pg_lite]="lite d_pg_lite")
for c in "${cases[@]}"; do
  [[ -n ${target_of[$c]:-} ]] || continue
  [[ $c == pgloader ]] && ! grep -q '^pgloader ' "$samples" && continue
  read -r kind table <<<"${target_of[$c]}"
  case $kind in
    pg) check "$c" "$(sum_pg "$table")" bench_src ;;
    my) check "$c" "$(sum_my "$table")" bench_src ;;
    lite) check "$c" "$(sum_lite "$work/$table.db" bench_src)" bench_src ;;
  esac
done

# verify (checksums per key range on each side) of four copies, against the copy's time.
for c in my_pg pg_pg pg_my lite_pg; do
  [[ " ${cases[*]} " == *" $c "* ]] || continue
  "$measure" "$sluice" verify "$work/$c.yaml" 2>"$work/verify.err" >"$work/verify.out" || {
    failures+=("verify $c: $(tail -3 "$work/verify.out")"); continue; }
  echo "verify_$c $(tail -1 "$work/verify.err")" >>"$samples"
done

median() { awk -v c="$1" -v f="$2" '$1 == c { print $f }' "$samples" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f", k / 1024 }'; }
line() {  # label case reference_case [n]
  local s ref rss n=${4:-$rows}
  s=$(median "$2" 2); ref=$(median "$3" 2); rss=$(median "$2" 3)
  printf '%-40s %9s %12s %7s %10s %8s\n' "$1" "$s" "$ref" "$(ratio "$s" "$ref")" \
    "$(awk -v n="$n" -v s="$s" 'BEGIN { if (s > 0) printf "%.0f", n / s }')" "$(mib "$rss")"
}

# Issue 11's larger size: the same two copies at BIG_ROWS, against the ROWS run.
if [[ -n $big ]]; then
  echo "preparing $big rows..."
  make_data bench_big "$big"
  expect[bench_big]=$(sum_pg bench_big)
  for ((r = 1; r <= rounds; r++)); do
    drop_pg d_big_my_pg; timed big_my_pg "$sluice" run "$(pipeline big_my_pg "$MY" bench_big "$PG" d_big_my_pg)" --fresh --log-level warn
    drop_pg d_big_pg_pg; timed big_pg_pg "$sluice" run "$(pipeline big_pg_pg "$PG" bench_big "$PG" d_big_pg_pg)" --fresh --log-level warn
    # The server's own scaling: the reference load at both sizes.
    fresh_pg ref_t; timed big_ref_pg_csv "${pg[@]}" -c "\\copy ref_t FROM '$work/bench_big.csv' (FORMAT csv, HEADER, NULL '\\N')"
  done
  check d_big_my_pg "$(sum_pg d_big_my_pg)" bench_big
  check d_big_pg_pg "$(sum_pg d_big_pg_pg)" bench_big
  "$measure" "$sluice" verify "$work/big_pg_pg.yaml" 2>"$work/verify.err" >/dev/null && echo "verify_big_pg_pg $(tail -1 "$work/verify.err")" >>"$samples"
  rm -f "$work"/bench_big.*
fi

{
  echo "sluice bench, $(date -u +%Y-%m-%dT%H:%MZ), $rows rows, medians of $rounds round-robin runs"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
    "PostgreSQL $("${pg[@]}" -At -c 'SHOW server_version'), MariaDB $("${my[@]}" --skip-column-names -e 'SELECT VERSION()'), SQLite $(sqlite3 --version | cut -d' ' -f1), all local"
  echo
  printf '%-40s %9s %12s %7s %10s %8s\n' workload "sluice s" "reference s" ratio "rows/s" "RSS MiB"
  line "SQLite -> PG      (vs psql \\copy csv)" lite_pg ref_pg_csv
  line "MariaDB -> PG     (vs psql \\copy csv)" my_pg ref_pg_csv
  line "PG -> PG          (vs psql \\copy csv)" pg_pg ref_pg_csv
  line "CSV -> PG         (vs psql \\copy csv)" csv_pg ref_pg_csv
  line "MariaDB -> PG     (vs \\copy binary)" my_pg ref_pg_bin
  line "PG -> MariaDB     (vs LOAD DATA)" pg_my ref_my
  line "SQLite -> MariaDB (vs LOAD DATA)" lite_my ref_my
  line "PG -> MariaDB write_method: bulk" pg_my_bulk ref_my
  line "PG -> MariaDB write_method: load_data" pg_my_ld ref_my
  line "PG -> MariaDB write_method: insert" pg_my_ins ref_my
  line "PG -> SQLite      (vs sqlite3 .import)" pg_lite ref_lite
  line "MariaDB -> PG --parallel 2 (vs 1)" my_pg_p2 my_pg
  line "PG -> PG --parallel 2      (vs 1)" pg_pg_p2 pg_pg
  line "MariaDB -> PG --parallel 4 (vs 1)" my_pg_p4 my_pg
  if ((${#failed_refs[@]})); then printf 'reference failed: %s\n' "${failed_refs[@]}"; fi
  if [[ -n $pgloader_cmd ]]; then line "pgloader MariaDB -> PG (vs sluice)" pgloader my_pg
  else echo "pgloader MariaDB -> PG                   not installed (apt-get install pgloader to compare)"; fi
  if [[ -n ${ODBC:-} ]]; then
    line "MariaDB -> PG via ODBC (vs native)" my_pg_odbc my_pg
    line "PG -> MariaDB via ODBC (vs native)" pg_my_odbc pg_my
  fi
  for c in my_pg pg_pg pg_my lite_pg; do line "verify $c (vs the copy)" "verify_$c" "$c"; done
  if [[ -n $big ]]; then
    line "MariaDB -> PG $big (vs $rows)" big_my_pg my_pg "$big"
    line "PG -> PG $big (vs $rows)" big_pg_pg pg_pg "$big"
    line "psql \\copy csv $big (vs $rows)" big_ref_pg_csv ref_pg_csv "$big"
    line "MariaDB -> PG $big (vs \\copy $big)" big_my_pg big_ref_pg_csv "$big"
    line "verify PG -> PG $big (vs copy)" verify_big_pg_pg big_pg_pg "$big"
    printf 'peak RSS %s rows / %s rows: MariaDB -> PG %s, PG -> PG %s\n' "$big" "$rows" \
      "$(ratio "$(median big_my_pg 3)" "$(median my_pg 3)")" "$(ratio "$(median big_pg_pg 3)" "$(median pg_pg 3)")"
  fi
  echo "(ratio = sluice / reference time, lower is better; for --parallel and the larger size the reference is sluice itself)"
  if ((${#failures[@]})); then printf 'CHECK FAILED: %s\n' "${failures[@]}"; else echo "every target's count and column sums equal the source's"; fi
} | tee "$results"
echo "written to $results"
((${#failures[@]} == 0))
