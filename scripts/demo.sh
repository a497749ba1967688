#!/usr/bin/env bash
# Builds xport (release preset) and runs the main job on embedded defaults: converts the
# bundled demo export with the seed's sample format and prints where the result is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target xport
out="${XPORT_DEMO_OUT:-$PWD/out/demo}"
mkdir -p "$out"
build/release/apps/xport/xport convert -f sample -p demo-project \
  -c '{"separator-character": "-"}' examples/data/demo-export.ndjson "$out/demo-project.zip"
echo "Result: $out/demo-project.zip"
unzip -l "$out/demo-project.zip"
