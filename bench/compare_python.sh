#!/usr/bin/env bash
# Benchmark: xport vs the Python anchor (../shared/bench/ref_python.py) on the same
# generated export, one run each, printing the speed ratio and both peak RSS figures;
# then xport's peak RSS on a 5x larger input to show memory does not grow with size.
#
#   bench/compare_python.sh [FORMAT] [ASSETS]      (defaults: sample 100000)
#
# Needs a release build (cmake --preset release && cmake --build --preset release) and
# Debian's /usr/bin/python3. Inputs are cached in $XPORT_BENCH_DIR (default /tmp/xport-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bench_input.sh
format="${1:-sample}"
assets="${2:-100000}"
xport="${XPORT_BIN:-build/release/apps/xport/xport}"

[ -x "$xport" ] || { echo "no release build at $xport" >&2; exit 2; }
input=$(bench_input "$assets")

# measure NAME CMD...: runs once under /usr/bin/time -v; sets SECONDS_<NAME> and RSS_<NAME> (kB).
measure() {
  local name=$1; shift
  local log="$dir/time_$name.log"
  /usr/bin/time -v "$@" 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  # h:mm:ss or m:ss.cc → seconds
  wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf -v "SECONDS_$name" '%s' "$wall"
  printf -v "RSS_$name" '%s' "$rss"
}

size_mb=$(( $(stat -L -c %s "$input") / 1000000 ))
cat "$input" >/dev/null  # both runs read from the page cache
measure xport "$xport" convert -q -f "$format" "$input" "$dir/xport.zip"
measure python "$python" "$shared/bench/ref_python.py" "$format" "$input" "$dir/python.zip"

echo "input: $input ($size_mb MB, $assets assets), format: $format"
printf '%-8s %8.2f s  %8d kB peak RSS  %7.0f MB/s\n' xport "$SECONDS_xport" "$RSS_xport" \
  "$(echo "$size_mb / $SECONDS_xport" | bc -l)"
printf '%-8s %8.2f s  %8d kB peak RSS  %7.0f MB/s\n' python "$SECONDS_python" "$RSS_python" \
  "$(echo "$size_mb / $SECONDS_python" | bc -l)"
printf 'speed ratio (python / xport): %.1fx\n' "$(echo "$SECONDS_python / $SECONDS_xport" | bc -l)"
printf 'zip size: xport %d B, python %d B\n' "$(stat -c %s "$dir/xport.zip")" "$(stat -c %s "$dir/python.zip")"

if [ "${XPORT_BENCH_LARGE:-1}" = 1 ]; then
  large="$dir/v3_${assets}_x5.ndjson"
  [ -s "$large" ] || for _ in 1 2 3 4 5; do cat "$input"; done >"$large"
  cat "$large" >/dev/null
  measure large "$xport" convert -q -f "$format" "$large" "$dir/xport_large.zip"
  printf 'xport on %d MB: %.2f s, %d kB peak RSS (vs %d kB on %d MB)\n' \
    "$(( $(stat -L -c %s "$large") / 1000000 ))" "$SECONDS_large" "$RSS_large" "$RSS_xport" "$size_mb"
fi
