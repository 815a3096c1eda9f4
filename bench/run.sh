#!/usr/bin/env bash
# Benchmarks on the shared corpus (1,000 and 10,000 post-mortems): median wall
# time and median peak RSS over RUNS runs of
#   - hindsight check,
#   - hindsight build (clean: the output folder is removed before each run),
#   - hugo with the minimal site in ../shared/bench/hugo-site, same Markdown, same run
#     (skipped when hugo is not installed; Debian package `hugo`).
#
#   bench/run.sh            # RUNS=5, corpora cached in ${BENCH_DIR:-/tmp/hindsight-bench}
#
# Needs python3 and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
work=${BENCH_DIR:-/tmp/hindsight-bench}
shared=../shared/bench
mkdir -p "$work"

cargo build --release --quiet
bin=$PWD/target/release/hindsight

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME SETUP COMMAND...: runs SETUP then COMMAND, RUNS times; prints medians.
measure() {
  local name=$1 setup=$2; shift 2
  local walls=() rss=() out
  for _ in $(seq "$runs"); do
    eval "$setup"
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>&1; } 2>&1 | tail -n 1)
    walls+=("${out% *}") rss+=("${out#* }")
  done
  local wall kb
  wall=$(printf '%s\n' "${walls[@]}" | median)
  kb=$(printf '%s\n' "${rss[@]}" | median)
  printf '%-8s %-16s %10ss %10s MB\n' "$n" "$name" "$wall" "$((${kb%.*} / 1024))"
}

printf '%s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%d)"
printf '%-8s %-16s %11s %13s\n' corpus command "median wall" "median RSS"
for n in 1000 10000; do
  kb="$work/kb$n"
  [ -f "$kb/hindsight.toml" ] || python3 "$shared/gen_corpus.py" "$n" "$kb" >/dev/null 2>&1
  $bin check "$kb" >/dev/null 2>&1 || true   # warm the page cache
  measure check ":" "$bin" check "$kb"
  out="$work/site$n"
  measure build "rm -rf '$out'" "$bin" build "$kb" -o "$out"
  if command -v hugo >/dev/null; then
    hugo_site="$work/hugo$n"
    if [ ! -d "$hugo_site" ]; then
      cp -r "$shared/hugo-site" "$hugo_site"
      chmod -R u+w "$hugo_site"
      mkdir -p "$hugo_site/content"
      ln -s "$kb/postmortems" "$hugo_site/content/postmortems"
    fi
    measure hugo "rm -rf '$hugo_site/public' '$hugo_site/resources'" hugo --quiet --source "$hugo_site"
  fi
done
