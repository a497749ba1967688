#!/usr/bin/env bash
# Lints the web UI: ESLint and Prettier (pinned in web-tools/package-lock.json, installed by
# scripts/install-npm-peers.sh web-tools) in check mode over web/, web-tools/ and the node
# tests of tests/browser (*.test.mjs); exits non-zero on any finding, warnings included.
# `--fix` lets both rewrite the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=
[ "${1:-}" = "--fix" ] && fix=1
scripts/install-npm-peers.sh web-tools
bin=web-tools/node_modules/.bin
paths=(web web-tools tests/browser/*.test.mjs)
eslint=("$bin/eslint" -c web-tools/eslint.config.js)
prettier=("$bin/prettier" --config web-tools/.prettierrc.json
  --ignore-path web-tools/.prettierignore --log-level warn)

status=0
if [ -n "$fix" ]; then
  "${eslint[@]}" --fix "${paths[@]}" || status=1
  "${prettier[@]}" --write "${paths[@]}" || status=1
else
  "${eslint[@]}" --max-warnings 0 "${paths[@]}" || status=1
  "${prettier[@]}" --check "${paths[@]}" || status=1
fi
[ "$status" -eq 0 ] && echo "lint-web: ESLint and Prettier found nothing"
exit "$status"
