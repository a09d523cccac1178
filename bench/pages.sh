#!/usr/bin/env bash
# Every page at scale 10 (issue 14, "every page still answers within the p99 targets"):
# `kejing gen --scale 10` (1,000 managers, 100,000 clients, 6,000,000 balance rows) imported into
# SQLite, settled for 2026-09 with cixi-deposits and assessed for 2026-Q3 with bank-grades; one
# what-if scenario saved; then, for each page a role reaches, wrk with CONNS connections (default
# 10) for SECS seconds (default 5) as a customer manager, a branch head (unit B04) and the
# performance office, each with its own session. Prints one line a page and user: requests/s,
# p50, p99, and the answers that were not 2xx. DB=postgres://… runs it on PostgreSQL instead
# (the database is emptied of kejing's tables first: give a scratch one).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q
BIN=$PWD/target/release/kejing
POLICIES=$PWD/policies
SCALE=${SCALE:-10}
CONNS=${CONNS:-10}
SECS=${SECS:-5}
PORT=${PORT:-18392}
WORK=$(mktemp -d)
cd "$WORK"
cleanup() { kill "${SERVER:-0}" 2>/dev/null || true; cp "$WORK/serve.log" /tmp/kejing-pages-serve.log 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
DB=${DB:-pages.db}
$BIN gen --scale "$SCALE" --out data > /dev/null
$BIN --db "$DB" --org bank import all data > /dev/null
$BIN --db "$DB" --org bank settle --policy "$POLICIES/cixi-deposits" --period 2026-09 > /dev/null
$BIN --db "$DB" --org bank assess --policy "$POLICIES/bank-grades" --period 2026-Q3 > /dev/null 2>&1 || true
export KEJING_PASSWORD=bench-password
$BIN --db "$DB" user add --org bank --username cm --role manager --manager M00001 > /dev/null
$BIN --db "$DB" user add --org bank --username branch --role branch_head --unit B04 > /dev/null
$BIN --db "$DB" user add --org bank --username admin --role admin > /dev/null
$BIN --db "$DB" serve --addr "127.0.0.1:$PORT" --policies "$POLICIES" > serve.log 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" > /dev/null && break; sleep 0.2; done
for U in cm branch admin; do
    curl -s -c "jar-$U" -o /dev/null -d "username=$U&password=$KEJING_PASSWORD" "$BASE/login"
done
cookie() { awk '/kejing_session/ {print $7}' "jar-$1"; }
csrf() { curl -s -H "Cookie: kejing_session=$(cookie "$1")" "$BASE/whatif" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
# One saved what-if scenario (the office's), to open and export.
CSRF=$(csrf admin)
curl -s -o /dev/null -H "Cookie: kejing_session=$(cookie admin)" \
    --data-urlencode "name=bench" --data-urlencode "policy=cixi-deposits" --data-urlencode "period=2026-09" \
    --data-urlencode "changes=incremental_rate=+10%" --data-urlencode "_csrf=$CSRF" --data-urlencode "_nonce=bench-1" \
    "$BASE/whatif/scenarios"
ASSESSMENT=$(curl -s -H "Cookie: kejing_session=$(cookie admin)" "$BASE/assessments" | grep -o 'href="/assessments/[0-9]*"' | head -n 1 | grep -o '[0-9]*' || true)
CLIENT=$(curl -s -H "Cookie: kejing_session=$(cookie cm)" "$BASE/clients" | grep -o 'href="/clients/C[0-9]*"' | head -n 1 | grep -o 'C[0-9]*')

# path, then the users who reach it
PAGES=(
    "/|cm branch admin"
    "/managers|cm branch admin"
    "/managers/M00001|cm branch admin"
    "/clients|cm branch admin"
    "/clients?q=%E5%85%AC%E5%8F%B8|branch admin"
    "/clients?q=C00012|cm branch admin"
    "/clients/$CLIENT|cm admin"
    "/clients/$CLIENT/advice|cm admin"
    "/transfers|cm branch admin"
    "/claims|branch admin"
    "/agreements|branch admin"
    "/settlement|admin"
    "/settlement/runs/1|branch admin"
    "/settlement/runs/1?q=M0000&unit=B04|admin"
    "/settlement/runs/1/payroll.xlsx|admin"
    "/settlement/compare?a=1&b=1|admin"
    "/settlement/reconciliation|admin"
    "/statements/1/M00001|cm admin"
    "/statements/1/M00001?exact=1|cm"
    "/statements/1/M00001/pdf|cm admin"
    "/disputes|cm admin"
    "/inbox|cm branch admin"
    "/assessments|cm branch admin"
    "/rate|branch admin"
    "/rate/grid|branch"
    "/whatif|branch admin"
    "/whatif/scenarios/1|admin"
    "/whatif/scenarios/1/xlsx|admin"
    "/daily|cm branch admin"
    "/daily/team|branch admin"
    "/daily/breaches|branch admin"
    "/daily/breaches?period=2026-09|branch admin"
    "/daily/breaches?period=2026-09&page=5&manager=M0001|admin"
    "/daily/registers/visits|cm branch admin"
    "/daily/registers/visits?period=2026-09|cm branch admin"
    "/letters|cm admin"
    "/imports|admin"
    "/policies|admin"
    "/policies/cixi-deposits|admin"
    "/audit|admin"
    "/audit?action=run.&from=2026-01-01|admin"
    "/audit?action=cr|admin"
)
if [ -n "$ASSESSMENT" ]; then
    PAGES+=("/assessments/$ASSESSMENT|branch admin" "/assessments/$ASSESSMENT/M00001|cm admin")
fi
echo "scale $SCALE, $CONNS connections, ${SECS}s a page and user, $(nproc) cores (wrk on the same machine)"
printf "%-44s %-7s %9s %9s %9s %9s %s\n" page user first req/s p50 p99 non-2xx
for entry in "${PAGES[@]}"; do
    path=${entry%%|*}
    # ONLY=REGEX measures the matching pages alone.
    if [ -n "${ONLY:-}" ] && ! [[ $path =~ $ONLY ]]; then continue; fi
    for U in ${entry#*|}; do
        # The first request alone (what the page costs before its reads are cached), then wrk.
        first=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: kejing_session=$(cookie "$U")" "$BASE$path")
        first=$(awk -v t="$first" 'BEGIN {printf "%.1fms", t * 1000}')
        out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -H "Cookie: kejing_session=$(cookie "$U")" "$BASE$path")
        rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
        p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
        p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
        bad=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
        printf "%-44s %-7s %9s %9s %9s %9s %s\n" "$path" "$U" "$first" "$rps" "$p50" "$p99" "${bad:-0}"
        if ! curl -sf -m 10 "$BASE/healthz" > /dev/null; then
            echo "the server stopped answering after $path as $U; its log: /tmp/kejing-pages-serve.log" >&2
            exit 1
        fi
    done
done
