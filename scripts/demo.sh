#!/usr/bin/env bash
# The 5-agency demo: set-up, then one whole run in Docker (harness/run.mjs), extra args passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npx zx harness/run.mjs --clients 5 "$@"
