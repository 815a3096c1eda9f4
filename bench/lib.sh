# Shared by bench/run.sh and bench/search.sh (sourced; needs $runs and $work).

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME 'COMMAND' [NAME 'COMMAND' ...]: runs each COMMAND (evaluated;
# $run is the run number) $runs times, taking turns, and sets wall[NAME] (the
# median wall time, s) and rss[NAME] (the median peak RSS, MB). Taking turns
# puts the tools under the same conditions: a VM's speed drifts, and so does
# ext4's after files are freed. Each run starts after `sync` (not timed), as
# a CI job starts on a quiet disk: otherwise the kernel writes back the
# earlier runs' output (gigabytes after a few runs) on the same two cores
# while the next run is timed.
declare -A wall=() rss=()
measure() {
  local -a names=() commands=()
  while [ $# -gt 0 ]; do names+=("$1") commands+=("$2"); shift 2; done
  local -A walls=() kbs=()
  local stats="$work/time.txt" i line
  for run in $(seq "$runs"); do
    for i in "${!names[@]}"; do
      sync
      eval "/usr/bin/time -o '$stats' -f '%e %M' ${commands[$i]}" >/dev/null 2>&1 || true
      line=$(tail -n 1 "$stats")
      walls[$i]+="${line% *} " kbs[$i]+="${line#* } "
    done
  done
  for i in "${!names[@]}"; do
    wall[${names[$i]}]=$(printf '%s\n' ${walls[$i]} | median)
    rss[${names[$i]}]=$(( $(printf '%s\n' ${kbs[$i]} | median | cut -d. -f1) / 1024 ))
  done
}
