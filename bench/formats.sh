#!/usr/bin/env bash
# Throughput of every format on the same generated export, one run each: wall time,
# MB/s of input, peak RSS, result size, and the time relative to `sample` (the cheapest
# conversion, so the ratio is what each format's own work costs).
#
#   bench/formats.sh [ASSETS]      (default 100000; input cached in $XPORT_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
assets="${1:-100000}"
shared="${XPORT_SHARED:-$(cd .. && pwd)/shared}"
dir="${XPORT_BENCH_DIR:-/tmp/xport-bench}"
xport="${XPORT_BIN:-build/release/apps/xport/xport}"
mkdir -p "$dir"
[ -x "$xport" ] || { echo "no release build at $xport" >&2; exit 2; }
input="$dir/v3_${assets}.ndjson"
if [ ! -s "$input" ]; then
  echo "generating $input ..." >&2
  /usr/bin/python3 "$shared/bench/gen_aaf.py" --assets "$assets" --objects 10 --shape v3 --out "$input.tmp"
  mv "$input.tmp" "$input"
fi
size_mb=$(echo "$(stat -L -c %s "$input") / 1000000" | bc -l)
cat "$input" >/dev/null

formats=$("$xport" formats | awk '/^[a-z]/ {print $1}')
printf '%-16s %8s %9s %10s %12s %9s\n' format seconds "MB/s" "RSS kB" "zip bytes" "x sample"
sample_s=""
for f in sample $(echo "$formats" | grep -v '^sample$'); do
  log="$dir/time_format_$f.log"
  /usr/bin/time -v "$xport" convert -q -f "$f" "$input" "$dir/format_$f.zip" 2>"$log" >/dev/null || {
    echo "$f failed:" >&2; tail -5 "$log" >&2; continue; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
         awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  [ -n "$sample_s" ] || sample_s=$wall
  printf '%-16s %8.2f %9.0f %10d %12d %9.1f\n' "$f" "$wall" "$(echo "$size_mb / $wall" | bc -l)" \
    "$rss" "$(stat -c %s "$dir/format_$f.zip")" "$(echo "$wall / $sample_s" | bc -l)"
done
