#!/usr/bin/env bash
# Builds xport (release preset) and runs every test: unit and integration.
#   scripts/test.sh            # what the README and CI run
#   PRESET=asan scripts/test.sh
#   BUILD_TARGET=unit_tests CTEST_ARGS="-L unit" scripts/test.sh   # only what the unit tests need
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${PRESET:-release}"
scripts/install-deps.sh
scripts/install-npm-peers.sh
cmake --preset "$preset" ${XPORT_CMAKE_ARGS:-} >/dev/null
cmake --build --preset "$preset" -j "${JOBS:-$(nproc)}" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
ctest --preset "$preset" -j "${JOBS:-$(nproc)}" ${CTEST_ARGS:-}
