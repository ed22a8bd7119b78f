#!/usr/bin/env bash
# axe-core, pinned, installed once from npm into a cache folder: the console's browser tests scan every page with it
# for accessibility violations (tests/support/axe.py).
set -euo pipefail
VERSION=4.14.1
PREFIX="${AXE_CORE_PREFIX:-$HOME/.cache/pembinaan-platform/axe-core}"
installed="$(node -p "require('$PREFIX/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
if [[ "$installed" != "$VERSION" ]]; then
  echo "installing axe-core@$VERSION into $PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$PREFIX" "axe-core@$VERSION" >/dev/null
fi
