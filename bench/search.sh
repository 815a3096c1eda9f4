#!/usr/bin/env bash
# Search side by side with Pagefind (issue 10), at 1,000 and 10,000
# post-mortems of the shared corpus, in one run:
#   - time: `hindsight build` making its tantivy index and the static search
#     files from scratch (`.hindsight/` removed first, inside the timing), the
#     same build reusing the index, Hugo building the same Markdown
#     (bench/hugo-site), and Pagefind indexing Hugo's output; median wall
#     time and peak RSS of RUNS runs, taking turns;
#   - `hindsight search` as a whole process (median of 21 runs);
#   - the static search files: total size and file count;
#   - what a cold browser fetches for a query: headless Chromium (a new
#     profile each time) opens our /search/?q=… and bench/pagefind-query.html
#     (Pagefind's JavaScript API: the top 10 results with their excerpts),
#     through bench/fetch_server.py, which logs every response. Code is
#     JavaScript and WebAssembly; data is everything else the search loads;
#     the page itself (HTML, CSS) is left out on both sides, and a file
#     fetched twice counts once. Bytes as sent
#     by a plain server, and by one that gzips text as GitHub Pages does.
#
#   bench/search.sh                       # RUNS=3
#   QUERIES="certificate|replication lag failover" bench/search.sh
#   RUNS=0 bench/search.sh                # sizes and fetched bytes only
#
# Needs python3, GNU time, hugo (Debian package), pagefind (PyPI
# `pagefind[bin]`, run as `python3 -m pagefind`) and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/hindsight-bench}
IFS='|' read -r -a queries <<< "${QUERIES:-certificate|expired|replication lag failover}"
out=/dev/shm/hindsight-search-bench
[ -d /dev/shm ] && [ -w /dev/shm ] || out=$work/search-out
rm -rf "$out"
mkdir -p "$work" "$out"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
for tool in hugo "$browser" /usr/bin/time; do
  [ -n "$tool" ] && command -v "$tool" >/dev/null || { echo "missing: ${tool:-chromium}" >&2; exit 1; }
done
python3 -m pagefind --version >/dev/null || { echo "missing: pagefind (pip install 'pagefind[bin]')" >&2; exit 1; }

cargo build --release --quiet
bin=$PWD/target/release/hindsight
source bench/lib.sh

# fetched SITE_DIR URL_PATH MARKER [--gzip]: "code data" bytes a cold
# browser fetches. The page is loaded again (a new profile, nothing cached)
# until its DOM holds MARKER, the sign the results were shown: under load a
# headless run can end before a WebAssembly engine has answered, and a
# partial count would flatter that side. "0 0" after 4 tries.
fetched() {
  local dir=$1 path=$2 marker=$3 port=$((20000 + RANDOM % 20000)) log="$out/fetch.log"
  local profile server try
  for try in 1 2 3 4; do
    : > "$log"
    python3 bench/fetch_server.py "$dir" "$port" "$log" ${4:-} &
    server=$!
    sleep 0.5
    profile=$(mktemp -d)
    "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$profile" --virtual-time-budget=15000 \
      --dump-dom "http://127.0.0.1:$port$path" > "$out/dom.html" 2>/dev/null || true
    kill "$server"; wait "$server" 2>/dev/null || true
    rm -rf "$profile"
    grep -q "$marker" "$out/dom.html" && break
    : > "$log"
  done
  # Each path once: Pagefind's page and its worker both fetch the engine and
  # the metadata at the same moment, so Chromium sends both requests; the
  # second copy is left out, in Pagefind's favour.
  awk '
    seen[$2]++ { next }
    $2 ~ /\.(js|mjs|wasm)$/ || $2 ~ /wasm\.[a-z-]+\.pagefind$/ { code += $1; next }
    $2 ~ /\.(html|css|ico)$/ || $2 ~ /\/$/ { next }
    { data += $1 }
    END { printf "%d %d\n", code, data }' "$log"
}

kib() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1024 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

printf '%s, %s cores, %s; Hugo %s, Pagefind %s\n\n' "$(uname -m)" "$(nproc)" "$(date -u +%Y-%m-%d)" \
  "$(hugo version | awk '{print $2}')" "$(python3 -m pagefind --version | awk '{print $2}')"
for n in 1000 10000; do
  kb="$work/kb$n"
  [ -f "$kb/hindsight.toml" ] || python3 bench/gen_corpus.py "$n" "$kb" >/dev/null 2>&1
  hugo_site="$work/hugo$n"
  if [ ! -d "$hugo_site" ]; then
    cp -r bench/hugo-site "$hugo_site"
    chmod -R u+w "$hugo_site"
    mkdir -p "$hugo_site/content"
    ln -s "$kb/postmortems" "$hugo_site/content/postmortems"
  fi
  hugo --quiet --source "$hugo_site" --destination "$out/hugo$n" >/dev/null 2>&1
  $bin build "$kb" -o "$out/warm$n" >/dev/null 2>&1 || true   # page cache, and an index to reuse
  [ "$runs" -gt 0 ] && measure \
    fresh "sh -c \"rm -rf '$kb/.hindsight' && '$bin' build '$kb' -o '$out/fresh$n-'\$run\"" \
    reused "'$bin' build '$kb' -o '$out/reused$n-'\$run" \
    hugo "hugo --quiet --source '$hugo_site' --destination '$out/hugo$n-'\$run" \
    pagefind "python3 -m pagefind --site '$out/hugo$n'"
  rm -rf "$out"/fresh$n-* "$out"/reused$n-* "$out"/hugo$n-*
  $bin build "$kb" -o "$out/site$n" >/dev/null 2>&1 || true
  [ -d "$out/hugo$n/pagefind" ] || python3 -m pagefind --site "$out/hugo$n" >/dev/null 2>&1
  cp bench/pagefind-query.html "$out/hugo$n/pagefind-query.html"

  # `hindsight search` as a whole process, index fresh.
  (cd "$kb" && $bin search "${queries[0]}" >/dev/null)
  times=""
  for _ in $(seq 21); do
    /usr/bin/time -o "$work/time.txt" -f '%e' $bin search "${queries[-1]}" "$kb" >/dev/null 2>&1
    times+="$(tail -n 1 "$work/time.txt") "
  done
  search_wall=$(printf '%s\n' $times | median)

  ours=$(du -sb "$out/site$n/search" | cut -f1)
  ours_files=$(find "$out/site$n/search" -type f | wc -l)
  theirs=$(du -sb "$out/hugo$n/pagefind" | cut -f1)
  theirs_files=$(find "$out/hugo$n/pagefind" -type f | wc -l)

  echo "## $n post-mortems"
  echo
  echo "| | Hindsight | Pagefind |"
  echo "|---|---|---|"
  if [ "$runs" -gt 0 ]; then
    printf '| build, index made (Hugo: %ss) | %ss, %s MB | |\n' "${wall[hugo]}" "${wall[fresh]}" "${rss[fresh]}"
    printf '| build, index reused | %ss, %s MB | |\n' "${wall[reused]}" "${rss[reused]}"
    printf '| indexing | (in the build) | %ss, %s MB |\n' "${wall[pagefind]}" "${rss[pagefind]}"
    printf '| build ÷ Hugo | %s (reused: %s) | (Hugo + Pagefind: %ss) |\n' \
      "$(awk -v a="${wall[fresh]}" -v b="${wall[hugo]}" 'BEGIN { printf "%.2f", a / b }')" \
      "$(awk -v a="${wall[reused]}" -v b="${wall[hugo]}" 'BEGIN { printf "%.2f", a / b }')" \
      "$(awk -v a="${wall[hugo]}" -v b="${wall[pagefind]}" 'BEGIN { printf "%.1f", a + b }')"
  fi
  printf '| static search files | %s in %s files | %s in %s files |\n' \
    "$(mib "$ours")" "$ours_files" "$(mib "$theirs")" "$theirs_files"
  printf '| `hindsight search "%s"` | %ss | |\n' "${queries[-1]}" "$search_wall"
  for q in "${queries[@]}"; do
    for gz in "" --gzip; do
      read -r our_code our_data < <(fetched "$out/site$n" "/search/?q=$(encode "$q")" 'class="search-hit' $gz)
      read -r pf_code pf_data < <(fetched "$out/hugo$n" "/pagefind-query.html?q=$(encode "$q")" 'id="results"' $gz)
      printf '| fetched for "%s"%s: code + data | %s + %s = %s | %s + %s = %s |\n' "$q" \
        "${gz:+ (gzip)}" "$(kib "$our_code")" "$(kib "$our_data")" "$(kib $((our_code + our_data)))" \
        "$(kib "$pf_code")" "$(kib "$pf_data")" "$(kib $((pf_code + pf_data)))"
    done
  done
  echo
done
rm -rf "$out"
