#!/usr/bin/env bash
# The whole test suite: set-up, type check, dependency rules, unit and in-process integration
# tests (Node only), the simulator's tests and its 500-seed slice (Node only), the tests that
# need a Docker engine or Chromium, then the Docker scenarios
# against the real engine (the last two fail, never skip, without an engine or a browser).
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests never reach for a registry: images build from local material.
export TP0_IMAGES_PULL=0
bash scripts/setup.sh
echo "test: type check (tsc)" >&2
npx tsc -p .
echo "test: dependency rules (dependency-cruiser: the judge imports nothing from system/, domain <- protocol <- transport <- server/client, no circles)" >&2
npm run --silent depcheck
echo "test: unit and integration tests, Node only (vitest project unit)" >&2
npx vitest run --project unit
echo "test: the deterministic simulator's own tests (vitest project sim)" >&2
npx vitest run --project sim
echo "test: the simulator's CI slice, seeds 1…500 (5 agencies × 200 bets, 4 faults each; it prints its time)" >&2
npm run --silent sim -- --seeds 500 --from 1
echo "test: tests that need a Docker engine or Chromium (vitest project engine)" >&2
bash scripts/browser.sh
npx vitest run --project engine
echo "test: Docker scenarios (vitest project scenarios)" >&2
npx vitest run --project scenarios
