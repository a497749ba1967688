#!/usr/bin/env bash
# Installs the npm packages of the test peers (tests/peers/socketio-node: the socket.io
# server the interop tests run xport against; tests/browser: playwright-core, which drives
# Debian's /usr/bin/chromium in the web UI test) and of the web UI (web-tools:
# socket.io-client, and ESLint + Prettier for scripts/lint-web.sh; scripts/demo.sh runs this
# too) from their committed package-lock.json. The client's browser build is then copied into
# web/vendor/ (git-ignored), where the hub serves it: web/ holds only what the hub may serve,
# never node_modules or package.json.
# Uses the `node`/`npm` on PATH; when there are none, installs Debian's (nodejs 18 runs
# socket.io 4.8, whose engines ask for node >= 10.2). Idempotent and quiet: runs `npm ci`
# only when node_modules is missing or older than package-lock.json.
# Arguments: only these directories (e.g. `web-tools`); none: all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

peers=(tests/peers/socketio-node tests/browser web-tools)
[ $# -gt 0 ] && peers=("$@")

stale=()
for dir in "${peers[@]}"; do
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.package-lock.json"  # written by npm ci / npm install
  if [ ! -e "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    stale+=("$dir")
  fi
done

# The Socket.IO browser client (and its licence) from web-tools/node_modules into web/vendor.
vendor_web_client() {
  local from=web-tools/node_modules/socket.io-client
  [ -e "$from/dist/socket.io.esm.min.js" ] || return 0
  mkdir -p web/vendor
  cp -p "$from/dist/socket.io.esm.min.js" web/vendor/socket.io.esm.min.js
  cp -p "$from/LICENSE" web/vendor/socket.io-client.LICENSE
}
wants_web_tools() { printf '%s\n' "$@" | grep -qx 'web-tools'; }

if [ ${#stale[@]} -eq 0 ]; then
  if wants_web_tools "${peers[@]}"; then vendor_web_client; fi
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-npm-peers: installing Debian's nodejs and npm" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

for dir in "${stale[@]}"; do
  echo "install-npm-peers: npm ci in $dir (node $(node --version))" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$dir/node_modules/.package-lock.json"
done
if wants_web_tools "${peers[@]}"; then vendor_web_client; fi
