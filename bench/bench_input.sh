# Sourced by the bench scripts (after they cd to the checkout's root): where the shared
# material and the cached inputs are, Debian's Python, and `bench_input ASSETS`, which prints
# the path of a generated v3 export of ASSETS assets (10 objects each, ../shared/bench/
# gen_aaf.py), generated once into $XPORT_BENCH_DIR (default /tmp/xport-bench).
shared="${XPORT_SHARED:-$(cd .. && pwd)/shared}"
dir="${XPORT_BENCH_DIR:-/tmp/xport-bench}"
python=/usr/bin/python3
mkdir -p "$dir"

bench_input() {
  local input="$dir/v3_$1.ndjson"
  if [ ! -s "$input" ]; then
    echo "generating $input ..." >&2
    "$python" "$shared/bench/gen_aaf.py" --assets "$1" --objects 10 --shape v3 \
      --out "$input.tmp" >&2
    mv "$input.tmp" "$input"
  fi
  echo "$input"
}
