#!/usr/bin/env bash
# The customer manager's client list under load (issue 10, finding 11): the demo data (scale 1:
# 10,000 clients), `kejing serve`, then wrk with 50 connections for 30 s on GET /clients as the
# demo's customer manager (M00001), and on a search. Prints throughput, latency and the server's
# RSS before, after and 10 s later. Needs Debian's `wrk`. DB=postgres://… for PostgreSQL (the
# database is dropped and created anew).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q
BIN=$ROOT/target/release/kejing
PORT=${PORT:-18393}
WORK=$(mktemp -d)
cd "$WORK"
cleanup() { kill "${SERVER:-0}" 2>/dev/null || true; wait "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=${DB:-clients.db}
case "$DB" in
postgres://*)
    NAME=${DB##*/}
    psql -q "${DB%/*}/postgres" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" -c "CREATE DATABASE $NAME" ;;
esac
export KEJING_DATABASE_URL=$DB
"$BIN" demo --no-serve --policies "$ROOT/policies" > demo.log 2>&1
"$BIN" serve --addr "127.0.0.1:$PORT" --policies "$ROOT/policies" > serve.log 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
rss() { awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$SERVER/status"; }
curl -s -c jar -o /dev/null -d "username=cm&password=kejing2026" "http://127.0.0.1:$PORT/login"
COOKIE=$(awk '/kejing_session/ {print $7}' jar)
echo "client list as cm (M00001) on $DB, 50 connections, 30 s each, $(nproc) cores (wrk on the same machine)"
for path in "/clients" "/clients?q=%E5%85%AC%E5%8F%B8"; do
    echo "== GET $path — server RSS before: $(rss)"
    wrk -t2 -c50 -d30s --latency -H "Cookie: kejing_session=$COOKIE" "http://127.0.0.1:$PORT$path" \
        | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
    echo "   server RSS after: $(rss)"; sleep 10; echo "   10 s later: $(rss)"
done
