#!/usr/bin/env bash
# Benchmarks on the shared corpus (1,000 and 10,000 post-mortems): median wall
# time and median peak RSS over RUNS runs of
#   - hindsight check,
#   - hindsight build (a clean build into a new folder each run),
#   - hugo with the minimal site in bench/hugo-site, on the same Markdown,
#     in the same run, also into a new folder each run (skipped when hugo is not
#     installed; Debian package `hugo`).
#
#   bench/run.sh            # RUNS=5, corpora cached in ${BENCH_DIR:-/tmp/hindsight-bench}
#   BENCH_OUT=/tmp/hindsight-bench/out bench/run.sh   # outputs on the disk instead
#
# Outputs go to tmpfs (/dev/shm) when there is one: the numbers are then the
# tools' own work. On the VM's ext4 disk, creating a directory costs from
# 0.1 to 0.7 ms depending on what was deleted in the minutes before (the
# inode allocator skips recently freed inodes), which adds seconds to both
# tools and makes disk numbers depend on the disk's history (bench/README.md).
# Each build writes to a new folder, as a fresh CI checkout would; outputs
# are deleted at the end.
#
# Needs python3 and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-5}
work=${BENCH_DIR:-/tmp/hindsight-bench}
# Copies of the shared corpus generator and Hugo site, kept here so the
# repository stands alone.
shared=bench
mkdir -p "$work"
if [ -z "${BENCH_OUT:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  BENCH_OUT=/dev/shm/hindsight-bench-out
fi
out_dir=${BENCH_OUT:-$work/out}
rm -rf "$out_dir"
mkdir -p "$out_dir"
sync   # let the file system settle after a previous run's output was deleted

cargo build --release --quiet
bin=$PWD/target/release/hindsight

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME 'COMMAND' [NAME 'COMMAND' ...]: runs each COMMAND (evaluated;
# $run is the run number) RUNS times, taking turns, and prints each one's
# median wall time and peak RSS. Taking turns puts the tools under the same
# conditions: a VM's speed drifts, and so does ext4's after files are freed.
# Each run starts after `sync` (not timed), as a CI job starts on a quiet
# disk: otherwise the kernel writes back the earlier runs' output (gigabytes
# after a few runs) on the same two cores while the next run is timed.
measure() {
  local -a names=() commands=()
  while [ $# -gt 0 ]; do names+=("$1") commands+=("$2"); shift 2; done
  local -A walls=() rss=()
  local out stats="$work/time.txt" i
  for run in $(seq "$runs"); do
    for i in "${!names[@]}"; do
      sync
      eval "/usr/bin/time -o '$stats' -f '%e %M' ${commands[$i]}" >/dev/null 2>&1 || true
      out=$(tail -n 1 "$stats")
      walls[$i]+="${out% *} " rss[$i]+="${out#* } "
    done
  done
  local wall kb
  for i in "${!names[@]}"; do
    wall=$(printf '%s\n' ${walls[$i]} | median)
    kb=$(printf '%s\n' ${rss[$i]} | median)
    printf '%-8s %-8s %10ss %10s MB\n' "$n" "${names[$i]}" "$wall" "$((${kb%.*} / 1024))"
  done
}

printf '%s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%d)"
printf '%-8s %-8s %11s %13s\n' corpus command "median wall" "median RSS"
for n in 1000 10000; do
  kb="$work/kb$n"
  [ -f "$kb/hindsight.toml" ] || python3 "$shared/gen_corpus.py" "$n" "$kb" >/dev/null 2>&1
  $bin check "$kb" >/dev/null 2>&1 || true   # warm the page cache
  measure check "'$bin' check '$kb'"
  build="'$bin' build '$kb' -o '$out_dir/site$n-'\$run"
  if command -v hugo >/dev/null; then
    hugo_site="$work/hugo$n"
    if [ ! -d "$hugo_site" ]; then
      cp -r "$shared/hugo-site" "$hugo_site"
      chmod -R u+w "$hugo_site"
      mkdir -p "$hugo_site/content"
      ln -s "$kb/postmortems" "$hugo_site/content/postmortems"
    fi
    measure build "$build" \
      hugo "hugo --quiet --source '$hugo_site' --destination '$out_dir/hugo$n-'\$run"
  else
    measure build "$build"
  fi
done
rm -rf "$out_dir"
