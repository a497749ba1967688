#!/usr/bin/env bash
# End to end: one run of `xport plugin` against the platform emulator
# (tests/peers/platform_emulator.py) on a generated export, against `xport convert` on the
# same file. Prints the run's wall time (from the platform's `plugin` event to the plugin's
# response), its split (download / callback / upload, from the SDK's debug logs), the ratio
# to `xport convert`, and the peak RSS of the plugin process over its whole life.
#
#   bench/plugin_e2e.sh [FORMAT] [ASSETS]      (defaults: sample 100000)
#
# Builds nothing: needs build/release/apps/xport/xport (or XPORT=path) and Debian's
# /usr/bin/python3 with python3-socketio and python3-aiohttp. Inputs are cached in
# $XPORT_BENCH_DIR (default /tmp/xport-bench). Loopback only; one run, no timing loops.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bench_input.sh
format="${1:-sample}"
assets="${2:-100000}"
xport="${XPORT:-${XPORT_BIN:-build/release/apps/xport/xport}}"
plugin_id=bench-plugin
plugin_secret=bench-secret

[ -x "$xport" ] || { echo "no release build at $xport (set XPORT=path)" >&2; exit 2; }
"$xport" plugin --help >/dev/null 2>&1 || { echo "$xport has no plugin command" >&2; exit 2; }
"$python" -c 'import socketio, aiohttp' 2>/dev/null ||
  { echo "needs $python with python3-socketio and python3-aiohttp" >&2; exit 2; }
input=$(bench_input "$assets")

work=$(mktemp -d "${TMPDIR:-/tmp}/xport-e2e.XXXXXX")
emu_pid="" time_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 3>&-  # EOF on the emulator's stdin: it stops serving
  # Only the processes this script started: the plugin (the child of its /usr/bin/time),
  # that time, and the emulator.
  local pids=""
  [ -z "$time_pid" ] || pids="$(pgrep -P "$time_pid" || true) $time_pid"
  for pid in $pids $emu_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# seconds LOG: /usr/bin/time -v's wall clock (h:mm:ss or m:ss.cc) in seconds.
seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1" |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
}
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# ctl METHOD PATH [JSON]: one call to the emulator's control API; prints the answer's body.
ctl() {
  "$python" - "$port" "$@" <<'EOF'
import sys, urllib.request
port, method, path = sys.argv[1:4]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=900) as r:
    sys.stdout.write(r.read().decode())
EOF
}

size_mb=$(echo "$(stat -L -c %s "$input") / 1000000" | bc -l)
cat "$input" >/dev/null  # every reader starts from the page cache

# --- the platform emulator -------------------------------------------------------------
# It serves until its stdin closes: give it a FIFO that this script holds open (fd 3).
mkfifo "$work/emu.in"
exec 3<>"$work/emu.in"
echo "starting the emulator (it zips the $(printf '%.0f' "$size_mb") MB export first) ..." >&2
"$python" tests/peers/platform_emulator.py --export "$input" \
  --plugin "$plugin_id:$plugin_secret" --data-dir "$work/emu" \
  <"$work/emu.in" >"$work/emu.out" 2>"$work/emu.err" 3>&- &
emu_pid=$!
port=""
for _ in $(seq 1 1200); do  # up to 10 minutes: zipping is single-threaded zlib level 6
  port=$(awk '/^PORT / {print $2; exit}' "$work/emu.out")
  [ -n "$port" ] && break
  kill -0 "$emu_pid" 2>/dev/null || { echo "emulator exited:" >&2; cat "$work/emu.err" >&2; exit 1; }
  sleep 0.5
done
[ -n "$port" ] || { echo "emulator did not print PORT in time" >&2; exit 1; }
export_zip="$work/emu/export.zip"

# --- the plugin, under /usr/bin/time -v for its whole life -----------------------------
mkdir -p "$work/plugin-tmp"
/usr/bin/time -v -o "$work/plugin.time" \
  "$xport" plugin --host "http://127.0.0.1:$port" --id "$plugin_id" --secret "$plugin_secret" \
  --format "$format" --temp-dir "$work/plugin-tmp" --log-level debug \
  >"$work/plugin.out" 2>"$work/plugin.log" 3>&- &
time_pid=$!
ctl GET "/_emu/wait?heartbeats=1&timeout=30" >/dev/null ||
  { echo "the plugin did not come online:" >&2; cat "$work/plugin.log" >&2; exit 1; }

# --- one run: wall time from POST /_emu/run to the plugin's response -------------------
run_data=$(printf '{"plugin": "%s", "data": {"projectId": "bench-project", "apiKey": "test-api-key", "orgId": "bench-org", "runBy": "bench-user", "session": "bench-e2e", "configJSON": "{}"}}' "$plugin_id")
"$python" - "$port" "$run_data" >"$work/run.out" <<'EOF'
import json, sys, time, urllib.request
port, data = sys.argv[1], sys.argv[2].encode()
base = f"http://127.0.0.1:{port}"
t0 = time.monotonic()
urllib.request.urlopen(urllib.request.Request(
    base + "/_emu/run", data=data, method="POST",
    headers={"Content-Type": "application/json"}), timeout=60).read()
with urllib.request.urlopen(base + "/_emu/wait?responses=1&timeout=600", timeout=660) as r:
    state = json.load(r)
elapsed = time.monotonic() - t0
response = state["responses"][0]["data"]
uploaded = sum(u["size"] for u in state["uploads"].values())
print(f"{elapsed:.3f} {str(response.get('export') is True).lower()} {uploaded}")
print(json.dumps(response))
EOF
read -r e2e_s export_ok uploaded_bytes <"$work/run.out"
if [ "$export_ok" != true ]; then
  echo "the run did not answer export:true:" >&2
  sed -n 2p "$work/run.out" >&2
  tail -20 "$work/plugin.log" >&2
  exit 1
fi

# --- stop the plugin (SIGTERM: it finishes and exits 0) to get its time -v report ------
xport_pid=$(pgrep -P "$time_pid")
kill -TERM "$xport_pid"
plugin_rc=0
wait "$time_pid" || plugin_rc=$?
time_pid=""
[ "$plugin_rc" = 0 ] || echo "warning: the plugin exited $plugin_rc after SIGTERM" >&2
plugin_rss=$(rss_kb "$work/plugin.time")
plugin_cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/plugin.time")

# The SDK's debug logs: "export downloaded: X MB in Y s", "callback finished in Z s",
# "result uploaded in W s".
split_of() { sed -n "s/.*$1 \([0-9.]*\) s.*/\1/p" "$work/plugin.log" | tail -1; }
download_s=$(split_of 'export downloaded: [0-9.]* MB in')
callback_s=$(split_of 'callback finished in')
upload_s=$(split_of 'result uploaded in')

# The emulator is done: stop it so the conversions below have both cores.
exec 3>&-
wait "$emu_pid" 2>/dev/null || true
emu_pid=""

# --- xport convert on the same export: the NDJSON, then the zip the emulator served ----
measure() {  # measure NAME CMD...: sets S_<NAME> (s) and RSS_<NAME> (kB)
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" ||
    { cat "$work/$name.err" "$work/$name.time" >&2; exit 1; }
  printf -v "S_$name" '%s' "$(seconds "$work/$name.time")"
  printf -v "RSS_$name" '%s' "$(rss_kb "$work/$name.time")"
}
measure ndjson "$xport" convert -q -f "$format" "$input" "$work/convert.zip"
cat "$export_zip" >/dev/null
measure zip "$xport" convert -q -f "$format" "$export_zip" "$work/convert_zip.zip"

ratio() { echo "$1 / $2" | bc -l; }
echo "input: $input ($(printf '%.0f' "$size_mb") MB, $assets assets; served as a" \
  "$(( $(stat -c %s "$export_zip") / 1000000 )) MB zip), format: $format"
echo "load: $(uptime | sed 's/.*load average/load average/') (nproc $(nproc))"
printf '%-34s %8s %10s %8s\n' "" seconds "peak RSS" "x convert"
printf '%-34s %8.2f %7d MB %8.2f\n' "plugin run, end to end" "$e2e_s" $((plugin_rss / 1024)) \
  "$(ratio "$e2e_s" "$S_ndjson")"
printf '%-34s %8s\n' "  download (export zip)" "${download_s:-?}"
printf '%-34s %8s\n' "  callback (conversion)" "${callback_s:-?}"
printf '%-34s %8s\n' "  upload (result)" "${upload_s:-?}"
if [ -n "$download_s" ] && [ -n "$callback_s" ] && [ -n "$upload_s" ]; then
  printf '%-34s %8.2f\n' "  rest (events, REST calls)" \
    "$(echo "$e2e_s - $download_s - $callback_s - $upload_s" | bc -l)"
fi
printf '%-34s %8.2f %7d MB %8.2f\n' "xport convert, NDJSON" "$S_ndjson" $((RSS_ndjson / 1024)) 1
printf '%-34s %8.2f %7d MB %8.2f\n' "xport convert, the served zip" "$S_zip" $((RSS_zip / 1024)) \
  "$(ratio "$S_zip" "$S_ndjson")"
printf 'plugin CPU (user+sys, whole life): %.2f s\n' "$plugin_cpu"
printf 'result: uploaded %d B, convert %d B\n' "$uploaded_bytes" "$(stat -c %s "$work/convert.zip")"
printf 'targets: overhead %.2fx (<= 1.5x; %.2fx of converting the served zip), plugin peak RSS %d MB (<= 128 MB)\n' \
  "$(ratio "$e2e_s" "$S_ndjson")" "$(ratio "$e2e_s" "$S_zip")" $((plugin_rss / 1024))
