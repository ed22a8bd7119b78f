#!/usr/bin/env bash
# The AsyncAPI project's own CLI, pinned, installed once from npm into a cache folder; `make test` validates
# docs/events/asyncapi.yaml with it (tests/unit/shared/test_asyncapi.py). 4.1.1 is the last that runs on node 20.
set -euo pipefail
VERSION=4.1.1
PREFIX="${ASYNCAPI_CLI_PREFIX:-$HOME/.cache/pembinaan-platform/asyncapi}"
installed="$(node -p "require('$PREFIX/node_modules/@asyncapi/cli/package.json').version" 2>/dev/null || true)"
if [[ "$installed" != "$VERSION" ]]; then
  echo "installing @asyncapi/cli@$VERSION into $PREFIX"
  npm install --silent --no-audit --no-fund --prefix "$PREFIX" "@asyncapi/cli@$VERSION" >/dev/null
fi
