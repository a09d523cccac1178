#!/usr/bin/env bash
# Web benchmark (issue 4): the dashboard under load. `kejing gen --scale 10` (1,000 managers,
# 100,000 clients, 6,000,000 balance rows) imported into SQLite and settled for 2026-09 with
# cixi-deposits; then wrk (Debian's `wrk`) with 50 connections for 20 s on `GET /` as a customer
# manager, a branch head (unit B04) and the performance office (everyone), each with its own
# session cookie. Prints throughput and the latency distribution. DB=postgres://… runs it on
# PostgreSQL instead (the database is emptied of kejing's tables first: give a scratch one).
# SERVERS=2 starts a second `kejing serve` on PORT+1 over the same database and splits the
# connections between the two (two wrk at once, half the connections each, both printed): two
# servers behind a round-robin.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q
BIN=$PWD/target/release/kejing
SCALE=${SCALE:-10}
CONNS=${CONNS:-50}
SECS=${SECS:-20}
PORT=${PORT:-18391}
WORK=$(mktemp -d)
cd "$WORK"
cleanup() { kill "${SERVER:-0}" "${SERVER2:-0}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=${DB:-web.db}
$BIN gen --scale "$SCALE" --out data > /dev/null
$BIN --db "$DB" --org bank import all data > /dev/null
$BIN --db "$DB" --org bank settle --policy "$OLDPWD/policies/cixi-deposits" --period 2026-09 > /dev/null
export KEJING_PASSWORD=bench-password
$BIN --db "$DB" user add --org bank --username cm --role manager --manager M00001 > /dev/null
$BIN --db "$DB" user add --org bank --username branch --role branch_head --unit B04 > /dev/null
$BIN --db "$DB" user add --org bank --username admin --role admin > /dev/null
$BIN --db "$DB" serve --addr "127.0.0.1:$PORT" --policies "$OLDPWD/policies" > serve.log 2>&1 &
SERVER=$!
SERVERS=${SERVERS:-1}
PORTS=("$PORT")
if [ "$SERVERS" = 2 ]; then
    $BIN --db "$DB" serve --addr "127.0.0.1:$((PORT + 1))" --policies "$OLDPWD/policies" > serve2.log 2>&1 &
    SERVER2=$!
    PORTS+=("$((PORT + 1))")
fi
for P in "${PORTS[@]}"; do
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$P/healthz" > /dev/null && break; sleep 0.2; done
done
echo "scale $SCALE, $CONNS connections over $SERVERS server(s), ${SECS}s each, $(nproc) cores (wrk on the same machine)"
for U in cm branch admin; do
    # Signed in on the first server; the session is the database's, so the second accepts it.
    curl -s -c "jar-$U" -o /dev/null -d "username=$U&password=$KEJING_PASSWORD" "http://127.0.0.1:$PORT/login"
    COOKIE=$(awk '/kejing_session/ {print $7}' "jar-$U")
    echo "== GET / as $U"
    EACH=$((CONNS / ${#PORTS[@]}))
    WRKS=()
    for P in "${PORTS[@]}"; do
        wrk -t"$((2 / ${#PORTS[@]}))" -c"$EACH" -d"${SECS}s" --latency -H "Cookie: kejing_session=$COOKIE" "http://127.0.0.1:$P/" \
            > "wrk-$U-$P.txt" &
        WRKS+=("$!")
    done
    wait "${WRKS[@]}"
    for P in "${PORTS[@]}"; do
        echo "-- server on port $P"
        grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors" "wrk-$U-$P.txt"
    done
done
