#!/usr/bin/env bash
# The course's generator, at the root of a submission:
#   bash generar-compose.sh docker-compose-dev.yaml N
# It runs this project's generator (compose-templates/generar-compose.sh) with the course's
# names: images server:latest and client:latest (the course builds them from server/Dockerfile
# and client/Dockerfile), configs server/config.ini and client/config.yaml (the course writes
# them, also after generating), agency files in .data/.
#
# The exercise's setting, one per branch: ej1–ej4 run the course's echo-loop client
# (CLIENT_MODE=echo), ej5–ej8 the lottery (CLIENT_MODE=lottery).
CLIENT_MODE=lottery

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export TP0_SERVER_IMAGE="${TP0_SERVER_IMAGE:-server:latest}"
export TP0_CLIENT_IMAGE="${TP0_CLIENT_IMAGE:-client:latest}"
export TP0_SERVER_CONFIG="${TP0_SERVER_CONFIG:-$ROOT/server/config.ini}"
export TP0_CLIENT_CONFIG="${TP0_CLIENT_CONFIG:-$ROOT/client/config.yaml}"
export TP0_CLIENT_MODE="${TP0_CLIENT_MODE:-$CLIENT_MODE}"
exec "$ROOT/compose-templates/generar-compose.sh" "$@"
