#!/usr/bin/env bash
# Daily-management benchmark (issue 12): the head's view of the team's day under load.
# `kejing gen --scale 10` (1,000 managers, a generated month of registers: about 20,000 briefings,
# 14,000 outings, 13,000 visit records, 19,000 work logs, …) with the tables the daily pages read
# imported into SQLite; then wrk (Debian's `wrk`) with 20 connections for 20 s on
# `GET /daily/team?day=2026-09-16&policy=ccb-team` as a team head (unit B04S1), a branch head
# (unit B04) and the performance office (all 1,000 managers), and on `GET /daily` as a customer
# manager. Prints throughput and the latency distribution. DB=postgres://… runs it on PostgreSQL
# (give a scratch database).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q
BIN=$PWD/target/release/kejing
SCALE=${SCALE:-10}
CONNS=${CONNS:-20}
SECS=${SECS:-20}
PORT=${PORT:-18392}
WORK=$(mktemp -d)
cd "$WORK"
cleanup() { kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=${DB:-daily.db}
$BIN gen --scale "$SCALE" --out data > /dev/null
mkdir part
for t in org_units tracks grades managers clients calendar briefings outings visits work_logs prospects credit_register reports; do
    cp "data/$t.csv" part/
done
$BIN --db "$DB" --org bank import all part > /dev/null
export KEJING_PASSWORD=bench-password
$BIN --db "$DB" user add --org bank --username cm --role manager --manager M00001 > /dev/null
$BIN --db "$DB" user add --org bank --username team --role team_head --unit B04S1 > /dev/null
$BIN --db "$DB" user add --org bank --username branch --role branch_head --unit B04 > /dev/null
$BIN --db "$DB" user add --org bank --username admin --role admin > /dev/null
$BIN --db "$DB" serve --addr "127.0.0.1:$PORT" --policies "$OLDPWD/policies" > serve.log 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
echo "scale $SCALE, $CONNS connections, ${SECS}s each, $(nproc) cores (wrk on the same machine)"
echo "rows: $(for t in briefings outings visits work_logs prospects; do echo -n "$t $(($(wc -l < part/$t.csv) - 1)) "; done)"
run() {
    local user=$1 path=$2
    curl -s -c "jar-$user" -o /dev/null -d "username=$user&password=$KEJING_PASSWORD" "http://127.0.0.1:$PORT/login"
    COOKIE=$(awk '/kejing_session/ {print $7}' "jar-$user")
    local rows
    rows=$(curl -s -H "Cookie: kejing_session=$COOKIE" "http://127.0.0.1:$PORT$path" | grep -o 'id="m-' | wc -l || true)
    echo "== GET $path as $user ($rows managers on the page)"
    wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -H "Cookie: kejing_session=$COOKIE" "http://127.0.0.1:$PORT$path" \
        | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
}
run team "/daily/team?day=2026-09-16&policy=ccb-team"
run branch "/daily/team?day=2026-09-16&policy=ccb-team"
run admin "/daily/team?day=2026-09-16&policy=ccb-team"
run cm "/daily?day=2026-09-16&policy=ccb-team"
