#!/usr/bin/env bash
# Installs the Debian 12 packages xport needs to build, test and benchmark.
# Idempotent: installs only what is missing, and says nothing when everything is there.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ ccache pkg-config clang-format
  # the component graph (scripts/check-layers.py renders docs/components.svg with dot)
  graphviz
  # libraries
  libsimdjson-dev libarchive-dev zlib1g-dev libminizip-dev libisal-dev libboost1.81-dev libboost-json1.81-dev
  libfmt-dev libspdlog-dev libcli11-dev libboost-url1.81-dev libssl-dev libsqlite3-dev libsqlitecpp-dev
  libpqxx-dev
  # GET /metrics: Prometheus' metric types and text format
  prometheus-cpp-dev
  # S3's XML answers (src/s3)
  libexpat1-dev
  # PostgreSQL for the pg-labelled tests (tests/infra/postgres.sh starts a throwaway server)
  postgresql-15
  # tests, fuzzing and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  unzip time bc python3 python3-aiohttp openssl
  # the real peers: the libraries the platform's Python SDK and its plugins use
  python3-socketio python3-engineio python3-websocket python3-requests python3-pandas
  # the real components a cluster runs on, started by tests/infra/: HAProxy in front of hubs,
  # and a throwaway Ceph cluster with its RADOS Gateway as the S3 server (ceph.sh)
  haproxy
  ceph-mon ceph-osd radosgw curl
  # the web UI's browser test (tests/browser: playwright-core drives Debian's chromium)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
# The tests start their own PostgreSQL (tests/infra/postgres.sh): no default cluster on 5432.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/xport.conf >/dev/null
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
