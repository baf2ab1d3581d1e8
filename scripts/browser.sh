#!/usr/bin/env bash
# Makes sure a headless Chromium is there for what renders the timeline report (the engine
# project's browser tests, `npm run report:png`); nothing else needs one, so the demo and the
# engine set-up never install it.
#
#   bash scripts/browser.sh   # CHROMIUM set, or chromium/chromium-browser/google-chrome on
#                             # PATH: nothing to do. Else, as root on Debian, installs the
#                             # chromium package; otherwise says so (the tests then fail).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=apt.sh
source scripts/apt.sh

say() { printf 'browser: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -n "${CHROMIUM:-}" ]; then
  say "CHROMIUM=$CHROMIUM"
  exit 0
fi
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    say "found $name"
    exit 0
  fi
done
if is_root && is_debian; then
  apt_install --no-install-recommends chromium
else
  say "no Chromium found and not root on Debian: set CHROMIUM or install chromium yourself"
fi
