#!/usr/bin/env bash
# Times `hindsight check` on the shared benchmark corpus (1,000 and 10,000
# post-mortems): median wall time and peak RSS over RUNS runs.
#
#   bench/run.sh            # RUNS=5, corpora cached in ${BENCH_DIR:-/tmp/hindsight-bench}
#
# Needs python3 and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
work=${BENCH_DIR:-/tmp/hindsight-bench}
gen=../shared/bench/gen_corpus.py
mkdir -p "$work"

cargo build --release --quiet
bin=target/release/hindsight

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%d)"
printf '%-8s %-10s %12s %14s\n' corpus command "median wall" "median peak RSS"
for n in 1000 10000; do
  kb="$work/kb$n"
  [ -f "$kb/hindsight.toml" ] || python3 "$gen" "$n" "$kb" >/dev/null 2>&1
  $bin check "$kb" >/dev/null || true   # warm the page cache
  walls=() rss=()
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f '%e %M' $bin check "$kb" >/dev/null; } 2>&1 | tail -n 1)
    walls+=("${out% *}") rss+=("${out#* }")
  done
  wall=$(printf '%s\n' "${walls[@]}" | median)
  kb_rss=$(printf '%s\n' "${rss[@]}" | median)
  printf '%-8s %-10s %11ss %11s MB\n' "$n" check "$wall" "$((${kb_rss%.*} / 1024))"
done
