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

source bench/lib.sh
# measure, then one line per command.
measure_and_show() {
  measure "$@"
  while [ $# -gt 0 ]; do
    printf '%-8s %-8s %10ss %10s MB\n' "$n" "$1" "${wall[$1]}" "${rss[$1]}"
    shift 2
  done
}

printf '%s, %s cores, %s\n' "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%d)"
printf '%-8s %-8s %11s %13s\n' corpus command "median wall" "median RSS"
for n in 1000 10000; do
  kb="$work/kb$n"
  [ -f "$kb/hindsight.toml" ] || python3 "$shared/gen_corpus.py" "$n" "$kb" >/dev/null 2>&1
  $bin check "$kb" >/dev/null 2>&1 || true   # warm the page cache
  measure_and_show check "'$bin' check '$kb'"
  build="'$bin' build '$kb' -o '$out_dir/site$n-'\$run"
  if command -v hugo >/dev/null; then
    hugo_site="$work/hugo$n"
    if [ ! -d "$hugo_site" ]; then
      cp -r "$shared/hugo-site" "$hugo_site"
      chmod -R u+w "$hugo_site"
      mkdir -p "$hugo_site/content"
      ln -s "$kb/postmortems" "$hugo_site/content/postmortems"
    fi
    measure_and_show build "$build" \
      hugo "hugo --quiet --source '$hugo_site' --destination '$out_dir/hugo$n-'\$run"
  else
    measure_and_show build "$build"
  fi
done
rm -rf "$out_dir"
