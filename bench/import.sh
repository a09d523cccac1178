#!/usr/bin/env bash
# Import benchmark: `kejing gen --scale N` balances into SQLite and PostgreSQL.
# Usage: bench/import.sh [scale]   (needs the release binary and a local PostgreSQL)
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
run SQLite "$WORK/bench.db"
PG_ADMIN=postgres://postgres@127.0.0.1:5432/postgres
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS kejing_bench WITH (FORCE)"
psql "$PG_ADMIN" -qc "CREATE DATABASE kejing_bench"
run PostgreSQL postgres://postgres@127.0.0.1:5432/kejing_bench
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS kejing_bench WITH (FORCE)"
