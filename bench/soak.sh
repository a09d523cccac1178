#!/usr/bin/env bash
# Soak (issue 10): the server for ten minutes at about 200 requests a second, mixed reads and
# writes from several users at once (dashboards, statements, client lists and searches, a
# client's page, managers, transfers; disputes raised by customer managers and decided by the
# performance office; imports through the page's form). The demo data (`kejing demo`, scale 1:
# 100 managers, 10,000 clients, 600,000 balance rows). Prints, each minute, requests, errors,
# p50/p99/max latency and the server's RSS; then per operation; then 100 clients flood the sign-in
# with unknown names for 10 s (bench/login_flood.py). Exits non-zero on any error of the soak.
#
#   bench/soak.sh                                   # SQLite
#   DB=postgres://postgres@127.0.0.1/kejing_soak bench/soak.sh   # PostgreSQL (the database is
#                                                   # dropped and created anew: give a scratch name)
#   SECS=60 RATE=100 bench/soak.sh                  # shorter, slower
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
cargo build --release -q
BIN=$ROOT/target/release/kejing
SECS=${SECS:-600}
RATE=${RATE:-200}
PORT=${PORT:-18392}
WORK=$(mktemp -d)
cd "$WORK"
cleanup() { kill "${SERVER:-0}" 2>/dev/null || true; wait "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=${DB:-soak.db}
case "$DB" in
postgres://*)
    NAME=${DB##*/}
    ADMIN=${DB%/*}/postgres
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" -c "CREATE DATABASE $NAME" ;;
esac
export KEJING_DATABASE_URL=$DB
"$BIN" demo --no-serve --policies "$ROOT/policies" > demo.log 2>&1
export KEJING_PASSWORD=kejing2026
for n in 2 3 4; do
    "$BIN" user add --org demo-bank --username "cm$n" --role manager --manager "M0000$n" > /dev/null
done
"$BIN" serve --addr "127.0.0.1:$PORT" --policies "$ROOT/policies" --uploads "$WORK/uploads" > serve.log 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
RUN=$("$BIN" --org demo-bank runs | awk '$0 ~ /cixi-deposits/ && $0 ~ /2026-09/ {print $1; exit}')
echo "kejing soak: ${SECS}s at ${RATE} req/s on $DB, run $RUN, $(nproc) cores (load from the same machine)"
set +e
python3 "$ROOT/bench/soak.py" --port "$PORT" --pid "$SERVER" --run "$RUN" --password "$KEJING_PASSWORD" \
    --cm cm=M00001 cm2=M00002 cm3=M00003 cm4=M00004 --rate "$RATE" --seconds "$SECS" ${VERBOSE:+--verbose}
STATUS=$?
echo
echo "Then a sign-in flood: 100 clients with unknown names for 10 s."
python3 "$ROOT/bench/login_flood.py" --port "$PORT" --pid "$SERVER" --clients 100 --seconds 10
set -e
if grep -q "^error " serve.log; then
    echo "the server logged errors:"; grep "^error " serve.log | head -20
    STATUS=1
fi
exit $STATUS
