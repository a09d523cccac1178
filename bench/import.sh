#!/usr/bin/env bash
# Import benchmark: `kejing gen --scale N` balances into SQLite, PostgreSQL and MariaDB.
# Usage: bench/import.sh [scale]   (needs a local PostgreSQL and MariaDB; ONLY=SQLite|PostgreSQL|MariaDB
# runs one). For MariaDB it also times the server's own bulk load of the same rows
# (LOAD DATA LOCAL INFILE of a TSV into a copy of the balances table): the server's limit.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-10}
cargo build --release -q
BIN=$PWD/target/release/kejing
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
$BIN gen --scale "$SCALE" --out data
run() { # label db
    local label=$1 db=$2
    for t in org_units tracks grades managers clients accounts ownership; do
        $BIN --db "$db" import "$t" "data/$t.csv" > /dev/null
    done
    echo "== $label: first import of balances (scale $SCALE)"
    /usr/bin/time -f "peak RSS %M KiB, wall %e s" $BIN --db "$db" import balances data/balances.csv
    echo "== $label: re-import of the same file (nothing changes)"
    /usr/bin/time -f "peak RSS %M KiB, wall %e s" $BIN --db "$db" import balances data/balances.csv
}
ONLY=${ONLY:-}
if [ -z "$ONLY" ] || [ "$ONLY" = SQLite ]; then
    run SQLite "$WORK/bench.db"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = PostgreSQL ]; then
    PG_ADMIN=postgres://postgres@127.0.0.1:5432/postgres
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS kejing_bench WITH (FORCE)"
    psql "$PG_ADMIN" -qc "CREATE DATABASE kejing_bench"
    run PostgreSQL postgres://postgres@127.0.0.1:5432/kejing_bench
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS kejing_bench WITH (FORCE)"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = MariaDB ]; then
    my() { mariadb -h 127.0.0.1 -u root "$@"; }
    my -e "DROP DATABASE IF EXISTS kejing_bench; CREATE DATABASE kejing_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    run MariaDB mysql://root@127.0.0.1:3306/kejing_bench
    echo "== MariaDB: the server's own bulk load (LOAD DATA LOCAL INFILE) of the same rows into an empty copy of balances"
    my kejing_bench -N -e "SELECT b.account_id, b.day, b.balance_fen FROM balances b" > balances.tsv
    my kejing_bench -e "CREATE TABLE balances_load LIKE balances"
    /usr/bin/time -f "wall %e s" mariadb -h 127.0.0.1 -u root --local-infile=1 kejing_bench \
        -e "SET GLOBAL local_infile = 1; LOAD DATA LOCAL INFILE 'balances.tsv' INTO TABLE balances_load (account_id, day, balance_fen)"
    my kejing_bench -N -e "SELECT COUNT(*) FROM balances_load"
    my -e "DROP DATABASE IF EXISTS kejing_bench"
fi
