#!/usr/bin/env bash
# Makes sure a Docker engine answers, or stops the one this script started.
#
#   bash scripts/docker-engine.sh up     # engine already answering: nothing to do.
#                                        # else start dockerd (installing docker.io first
#                                        # when root on Debian), wait until it answers.
#   bash scripts/docker-engine.sh down   # stop dockerd only if `up` started it.
#   bash scripts/docker-engine.sh status # say whether an engine answers (exit 0/1).
#
# Everything it says goes to stderr. dockerd runs fully detached (own session, all fds
# redirected to ${TP0_STATE_DIR:-/tmp/tp0}/dockerd.log), so a CI step that calls `up` never
# hangs on an inherited stdout. The pid of a dockerd started here is kept in
# ${TP0_STATE_DIR:-/tmp/tp0}/dockerd.pid; `down` acts on that pid only.
set -euo pipefail

STATE_DIR="${TP0_STATE_DIR:-/tmp/tp0}"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
START_TIMEOUT_S="${TP0_DOCKERD_START_TIMEOUT:-60}"
STOP_TIMEOUT_S="${TP0_DOCKERD_STOP_TIMEOUT:-30}"
# Packages the testbed needs besides the engine: compose v1 for the compose scenario,
# a static busybox for the local netcat-tester base image, iptables and iproute2 for the
# local net-tools base (packet loss, bandwidth), chromium to render the timeline report,
# tini (tini-static: docker-init of the swarm node image, harness/swarm/node-image.ts).
EXTRA_PACKAGES=(docker-compose busybox-static iproute2 iptables chromium tini)

say() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

engine_answers() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 10 docker info >/dev/null 2>&1
}

is_root() { [ "$(id -u)" = "0" ]; }
is_debian() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_install() {
  # apt-get update only when the package lists were never fetched (a fresh machine).
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    say "running apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
  fi
  say "installing with apt-get: $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2; then
    say "apt-get install failed; refreshing package lists and trying once more"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
  fi
}

# Installs the helper packages that are missing, when we may (root on Debian).
ensure_extras() {
  local missing=() pkg
  is_root && is_debian || return 0
  for pkg in "${EXTRA_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

pid_is_dockerd() {
  local pid="$1"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "dockerd" ]
}

start_dockerd() {
  mkdir -p "$STATE_DIR"
  say "starting dockerd (log: $LOG_FILE)"
  # setsid: own session, no controlling terminal; every fd redirected, so nothing of the
  # caller is inherited. The subshell exits at once; dockerd is re-parented to init.
  (
    setsid nohup dockerd </dev/null >>"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE.tmp"
  ) </dev/null >/dev/null 2>&1
  local launched waited=0
  launched="$(cat "$PID_FILE.tmp")"
  rm -f "$PID_FILE.tmp"
  until engine_answers; do
    if [ "$waited" -ge "$START_TIMEOUT_S" ]; then
      tail -n 20 "$LOG_FILE" >&2 || true
      die "dockerd did not answer within ${START_TIMEOUT_S}s (log: $LOG_FILE)"
    fi
    if ! kill -0 "$launched" 2>/dev/null && ! pid_is_dockerd "$(cat /var/run/docker.pid 2>/dev/null || true)"; then
      tail -n 20 "$LOG_FILE" >&2 || true
      die "dockerd exited during start-up (log: $LOG_FILE)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  # dockerd writes its own pid file; prefer it (setsid may have forked).
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  pid_is_dockerd "$pid" || pid="$launched"
  echo "$pid" >"$PID_FILE"
  say "dockerd started (pid $pid) and answering after ~${waited}s"
}

cmd_up() {
  if engine_answers; then
    say "a Docker engine already answers; nothing to start"
    ensure_extras
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    is_root || die "no Docker engine answers and dockerd is not installed (not root: cannot install it)"
    is_debian || die "no Docker engine answers and dockerd is not installed (not Debian: install Docker yourself)"
    apt_install docker.io "${EXTRA_PACKAGES[@]}"
  else
    ensure_extras
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd still not found after installing docker.io"
  is_root || die "no Docker engine answers and only root can start dockerd here"
  # A dockerd may be running but not answering yet (just started by someone else).
  if pgrep -x dockerd >/dev/null 2>&1; then
    say "a dockerd process exists but does not answer; waiting for it"
    local waited=0
    until engine_answers; do
      [ "$waited" -ge "$START_TIMEOUT_S" ] && die "the running dockerd did not answer within ${START_TIMEOUT_S}s"
      sleep 1
      waited=$((waited + 1))
    done
    say "the running dockerd answers now; nothing started"
    return 0
  fi
  start_dockerd
}

cmd_down() {
  if [ ! -f "$PID_FILE" ]; then
    say "this script did not start the engine; leaving it alone"
    return 0
  fi
  local pid waited=0
  pid="$(cat "$PID_FILE")"
  if ! pid_is_dockerd "$pid"; then
    say "dockerd (pid $pid) started here is already gone"
    rm -f "$PID_FILE"
    return 0
  fi
  say "stopping dockerd (pid $pid) started by this script"
  kill -TERM "$pid"
  while pid_is_dockerd "$pid"; do
    if [ "$waited" -ge "$STOP_TIMEOUT_S" ]; then
      die "dockerd (pid $pid) still running after ${STOP_TIMEOUT_S}s; left as is"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  say "dockerd stopped after ~${waited}s"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status)
    if engine_answers; then say "a Docker engine answers"; else say "no Docker engine answers"; exit 1; fi
    ;;
  *)
    echo "usage: bash scripts/docker-engine.sh up|down|status" >&2
    exit 2
    ;;
esac
