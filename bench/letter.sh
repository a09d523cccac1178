#!/usr/bin/env bash
# Generating an advice letter (F1–F2): `kejing letter` on the hand-written folder of the tests
# (tests/data/advice), as a user runs it — one process per letter: policy and template read,
# the data folder read, the risk level and plan computed, the template filled, the PDF laid out
# and written with the embedded CJK font subset. Also the HTML preview alone. Runs N times
# each (default 30) and prints the median, p95 and max wall time in milliseconds.
#
#     bash bench/letter.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-30}"
BIN="${KEJING_BIN:-target/release/kejing}"
[ -x "$BIN" ] || cargo build --release -q -p kejing
DATA=crates/kejing/tests/data/advice
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

run() { # label, out file, extra args…
    local label="$1" out="$2"; shift 2
    local times=()
    for _ in $(seq 1 "$N"); do
        local t0 t1
        t0=$(date +%s%N)
        "$BIN" letter --policy policies/ccb-advice --data "$DATA" --client A2 --on 2026-10-15 \
            --out "$OUT/$out" "$@" 2>/dev/null
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$N" '
        { a[NR] = $1 }
        END {
            med = a[int((n + 1) / 2)]; p95 = a[int(n * 0.95 + 0.999)]; max = a[n];
            printf "%-28s n=%d  median %.1f ms  p95 %.1f ms  max %.1f ms\n", label, n, med / 1000, p95 / 1000, max / 1000
        }'
}

run "letter PDF (3 pages)" a2.pdf --products P1,P2
run "letter HTML preview" a2.html --products P1,P2
ls -l "$OUT"/a2.pdf | awk '{ print "PDF size: " $5 " bytes" }'
