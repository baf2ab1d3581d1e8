#!/usr/bin/env bash
# Writes a docker compose file with one server and N agency clients (client1..clientN).
#   compose-templates/generar-compose.sh <out-file> <N>
# Works from any folder; <out-file> is relative to where you are. The file runs with
# `docker compose` (v2) and `docker-compose` 1.29. See compose-templates/cli.ts for the
# environment variables it honours.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOADER="$ROOT/node_modules/tsx/dist/loader.mjs"

if ! command -v node >/dev/null 2>&1; then
  echo "generar-compose: node (20+) is needed" >&2
  exit 1
fi
if [ ! -f "$LOADER" ] || [ ! -d "$ROOT/node_modules/yaml" ]; then
  echo "generar-compose: installing dependencies (npm ci) in $ROOT" >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
fi
exec node --import "$LOADER" "$ROOT/compose-templates/cli.ts" "$@"
