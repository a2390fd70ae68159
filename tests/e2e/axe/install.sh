#!/bin/sh
# Install the pinned axe-core (tests/e2e/axe/package.json) into tests/e2e/axe/node_modules.
# Used by `make test` / .ci/run; test_a11y.py also runs it when node_modules is missing.
set -e
cd "$(dirname "$0")"
[ -f node_modules/axe-core/axe.min.js ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "npm missing: apt-get install -y npm" >&2; exit 1; }
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
