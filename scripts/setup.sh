#!/usr/bin/env bash
# Set-up shared by `npm test` and `npm run demo` (and CI): dependencies, then a Docker engine.
# Says what it does on stderr; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund >&2
else
  say "dependencies already installed"
fi

bash scripts/docker-engine.sh up
