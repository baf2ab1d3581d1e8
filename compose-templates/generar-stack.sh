#!/usr/bin/env bash
# Writes a Docker Swarm stack file with one server and N agency clients (client1..clientN),
# the same services as generar-compose.sh writes, for `docker stack deploy`.
#   compose-templates/generar-stack.sh <out-file> <N>
# Works from any folder; <out-file> is relative to where you are. See
# compose-templates/stack-cli.ts for the environment variables it honours.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOADER="$ROOT/node_modules/tsx/dist/loader.mjs"

if ! command -v node >/dev/null 2>&1; then
  echo "generar-stack: node (20+) is needed" >&2
  exit 1
fi
if [ ! -f "$LOADER" ] || [ ! -d "$ROOT/node_modules/yaml" ]; then
  echo "generar-stack: installing dependencies (npm ci) in $ROOT" >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
fi
exec node --import "$LOADER" "$ROOT/compose-templates/stack-cli.ts" "$@"
