#!/usr/bin/env bash
# Settlement benchmark (issue 3): file-mode `kejing settle` of the cixi-deposits policy over
# `kejing gen --scale N` for N in 1 10 20, side by side with the same rules in DuckDB SQL
# (bench/settle_duckdb.py; `pip install duckdb`), and a what-if run. Compares the results.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
BIN=$PWD/target/release/kejing
POLICY=$PWD/policies/cixi-deposits
DUCK=$PWD/bench/settle_duckdb.py
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
for SCALE in ${SCALES:-1 10 20}; do
    $BIN gen --scale "$SCALE" --out "d$SCALE" > /dev/null
    echo "== scale $SCALE ($(( SCALE * 600000 )) balance rows)"
    /usr/bin/time -f "kejing settle: %e s, peak %M KiB" $BIN settle --policy "$POLICY" --data "d$SCALE" --period 2026-09 --out "k$SCALE.csv" 2>&1 | grep -v wrote
    /usr/bin/time -f "duckdb:        %e s, peak %M KiB" python3 "$DUCK" "d$SCALE" "duck$SCALE.csv"
    python3 - "$SCALE" <<'PY'
import csv, sys
from decimal import Decimal
s = sys.argv[1]
k = {r['manager_id']: Decimal(r['amount']) for r in csv.DictReader(open(f'k{s}.csv')) if r['item'] != 'total'}
d = {r['manager_id']: Decimal(r['pay']) for r in csv.DictReader(open(f'duck{s}.csv'))}
diff = [m for m in set(k) | set(d) if k.get(m, 0) != d.get(m, 0)]
print(f"results: {len(k)} managers paid by kejing, {len(d)} by duckdb, {len(diff)} differ")
PY
    $BIN simulate --policy "$POLICY" --data "d$SCALE" --period 2026-09 --set incremental_rate=0.12 2>&1 >/dev/null | sed 's/^/simulate: /'
done
