#!/usr/bin/env bash
# Client CPU per row, repeatable on a noisy machine: valgrind's instruction counts of the
# whole sluice process for ROWS rows of bench/run.sh's 10-column table, per workload, for
# one or two sluice binaries (e.g. this checkout against an older commit's build).
#
#   bench/callgrind.sh SLUICE_BINARY [OTHER_SLUICE_BINARY] [ROWS]   (default 100,000 rows)
#
# Needs valgrind (apt-get install valgrind) and the servers of scripts/test.sh (SLUICE_TEST_PG_URL, SLUICE_TEST_MYSQL_URL) and a
# table bench_src there (bench/run.sh leaves it). Prints instructions per row.
set -euo pipefail
a=$1; b=${2:-}; rows=${3:-100000}
work=$(mktemp -d /tmp/sluice-callgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
my_hostport=${SLUICE_TEST_MYSQL_URL#*@}; my_hostport=${my_hostport%%/*}
my=(mariadb --no-defaults -h "${my_hostport%:*}" -P "${my_hostport##*:}" -usluice -psluice sluice_test)
pg=(psql -q -X -v ON_ERROR_STOP=1 "$SLUICE_TEST_PG_URL")
"${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS cg_src" -c "CREATE TABLE cg_src AS SELECT * FROM bench_src WHERE id <= $rows" \
  -c "ALTER TABLE cg_src ADD PRIMARY KEY (id)"
"${my[@]}" -e "DROP TABLE IF EXISTS cg_src; CREATE TABLE cg_src LIKE bench_src; INSERT INTO cg_src SELECT * FROM bench_src WHERE id <= $rows"

pipeline() {  # name from_url to_url to_table
  cat >"$work/$1.yaml" <<YAML
version: 1
name: cg-$1
connections:
  src: {url: "$2"}
  dst: {url: "$3"}
steps:
  - {name: copy, extract: {from: src, table: cg_src}, load: {to: dst, table: $4}}
YAML
  echo "$work/$1.yaml"
}
"$a" run "$(pipeline seed "$SLUICE_TEST_PG_URL" "sqlite:$work/src.db" cg_src)" --fresh --log-level warn >/dev/null

instructions() {  # binary pipeline
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$1" run "$2" --fresh --log-level warn >/dev/null 2>"$work/vg.err"
  awk '/^summary:/ { print $2 }' "$work/cg.out"
}
printf '%-22s %14s %14s %8s\n' workload "A instr/row" "B instr/row" "B/A"
for c in "my_pg $SLUICE_TEST_MYSQL_URL $SLUICE_TEST_PG_URL" "pg_my $SLUICE_TEST_PG_URL $SLUICE_TEST_MYSQL_URL" \
         "pg_pg $SLUICE_TEST_PG_URL $SLUICE_TEST_PG_URL" "lite_pg sqlite:$work/src.db $SLUICE_TEST_PG_URL" \
         "pg_lite $SLUICE_TEST_PG_URL sqlite:$work/dst.db"; do
  read -r name from to <<<"$c"
  p=$(pipeline "$name" "$from" "$to" "cg_$name")
  drop() { "${pg[@]}" -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS cg_$name"; "${my[@]}" -e "DROP TABLE IF EXISTS cg_$name"; rm -f "$work/dst.db"; }
  drop; ia=$(instructions "$a" "$p")
  ib=-; [[ -n $b ]] && { drop; ib=$(instructions "$b" "$p"); }
  awk -v n="$name" -v a="$ia" -v b="$ib" -v r="$rows" 'BEGIN { printf "%-22s %14.0f %14s %8s\n", n, a / r, (b == "-" ? "-" : sprintf("%.0f", b / r)), (b == "-" ? "-" : sprintf("%.2f", b / a)) }'
done
