#!/usr/bin/env bash
# Fuzzing: runs the cargo-fuzz targets of fuzz/ one after the other (never two at once),
# each for SECONDS (default 60) or 10,000,000 executions, whichever comes first, and prints
# libFuzzer's final statistics of each.
# Usage: bench/fuzz.sh [seconds] [target ...]
#   targets: csv_reader xlsx_reader policy_loader expression letter_markup (default: all five)
# Works on a stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags, and
# AddressSanitizer's runtime ships with the stable standard library.
# New inputs are added to fuzz/corpus/<target>/; a crash is written to fuzz/artifacts/<target>/
# and stops the run with a non-zero status.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(csv_reader xlsx_reader policy_loader expression letter_markup)
export RUSTC_BOOTSTRAP=1
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked
FLAGS=(-O --debug-assertions --sanitizer address)
cargo fuzz build "${FLAGS[@]}"
max_len() {
    case $1 in
        csv_reader | xlsx_reader) echo 65536 ;;
        policy_loader) echo 32768 ;;
        expression) echo 4096 ;;
    esac
}
dict() {
    case $1 in
        policy_loader) echo "-dict=fuzz/dict/policy.dict" ;;
        expression) echo "-dict=fuzz/dict/expression.dict" ;;
    esac
}
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
for t in "${TARGETS[@]}"; do
    echo "== $t: ${SECONDS_EACH}s or 10,000,000 executions"
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2046
    cargo fuzz run "${FLAGS[@]}" "$t" -- -max_total_time="$SECONDS_EACH" -runs=10000000 \
        -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        $(dict "$t") > "$LOGS/$t.log" 2>&1 || status=$?
    wall=$(($(date +%s) - start))
    grep -E '^(#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs)' "$LOGS/$t.log" | tail -2
    grep -E '^stat::' "$LOGS/$t.log"
    echo "corpus: $(find "fuzz/corpus/$t" -type f | wc -l) files, wall ${wall}s, exit status $status"
    if [ "$status" -ne 0 ]; then
        grep -E 'panicked|ERROR: |SUMMARY|artifact_prefix|Test unit written' "$LOGS/$t.log" | head -20
        exit "$status"
    fi
done
