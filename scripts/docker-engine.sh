#!/usr/bin/env bash
# Makes sure a Docker engine answers, or stops the one this script started.
#
#   bash scripts/docker-engine.sh up     # engine already answering: nothing to do.
#                                        # else start dockerd (installing docker.io first
#                                        # when root on Debian), wait until it answers.
#                                        # Either way, as root on Debian, installs what is
#                                        # missing of the helper packages and of
#                                        # `docker compose` (v2, see ensure_compose_v2).
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
# local net-tools base (packet loss, bandwidth), tini (tini-static: docker-init of the swarm
# node image, harness/swarm/node-image.ts). Chromium is not one: scripts/browser.sh installs it
# for the tests that render the timeline report.
EXTRA_PACKAGES=(docker-compose busybox-static iproute2 iptables tini)

# `docker compose` (v2): Debian bookworm ships only docker-compose 1.29. Debian trixie's
# docker-compose package holds the v2 CLI plugin (it needs only libc >= 2.34); it is fetched
# with a source list of its own, so that nothing else of trixie is installed.
COMPOSE_PLUGIN_DIR="${TP0_COMPOSE_PLUGIN_DIR:-/usr/local/lib/docker/cli-plugins}"
COMPOSE_SOURCE="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main"

say() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# shellcheck source=apt.sh
source "$(dirname "$0")/apt.sh"

engine_answers() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 10 docker info >/dev/null 2>&1
}

# Installs the helper packages that are missing, when we may (root on Debian).
ensure_extras() {
  local missing=() pkg
  is_root && is_debian || return 0
  for pkg in "${EXTRA_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  ensure_compose_v2
}

compose_v2_answers() { docker compose version >/dev/null 2>&1; }

# Installs the `docker compose` v2 plugin when the docker CLI has none (root on Debian only):
# `apt-get download docker-compose` from trixie with a separate source list, package lists and
# cache (all in a temporary folder), `dpkg-deb -x`, then the plugin binary is copied into
# $COMPOSE_PLUGIN_DIR, where the docker CLI looks for plugins.
ensure_compose_v2() {
  command -v docker >/dev/null 2>&1 || return 0
  compose_v2_answers && return 0
  if ! is_root || ! is_debian; then
    say "docker compose (v2) is missing; not root on Debian, so not installing it (docker-compose 1.29 still works)"
    return 0
  fi
  say "docker compose (v2) is missing: installing its plugin from Debian trixie's docker-compose package into $COMPOSE_PLUGIN_DIR"
  local work
  work="$(mktemp -d)"
  # apt drops root for downloads: the folder must be readable by its _apt user.
  chmod 755 "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
  if id _apt >/dev/null 2>&1; then chown _apt "$work/deb"; fi
  printf '%s\n' "$COMPOSE_SOURCE" >"$work/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
  say "apt-get update (trixie main only, lists in $work)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" update -qq >&2; then
    rm -rf "$work"
    die "apt-get update of Debian trixie failed: cannot install docker compose (v2)"
  fi
  if ! (cd "$work/deb" && apt-get "${opts[@]}" download docker-compose >&2); then
    rm -rf "$work"
    die "apt-get download docker-compose (trixie) failed"
  fi
  local deb
  deb="$(ls "$work"/deb/docker-compose_*.deb 2>/dev/null | head -n 1)"
  [ -n "$deb" ] || { rm -rf "$work"; die "apt-get download left no docker-compose_*.deb"; }
  say "extracting $(basename "$deb")"
  dpkg-deb -x "$deb" "$work/root"
  local plugin="$work/root/usr/libexec/docker/cli-plugins/docker-compose"
  [ -x "$plugin" ] || { rm -rf "$work"; die "$(basename "$deb") holds no usr/libexec/docker/cli-plugins/docker-compose"; }
  mkdir -p "$COMPOSE_PLUGIN_DIR"
  install -m 0755 "$plugin" "$COMPOSE_PLUGIN_DIR/docker-compose"
  rm -rf "$work"
  compose_v2_answers || die "the plugin is in $COMPOSE_PLUGIN_DIR but \`docker compose version\` fails"
  say "docker compose (v2) installed: $(docker compose version)"
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
    ensure_compose_v2
  else
    ensure_extras
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd still not found after installing docker.io"
  is_root || die "no Docker engine answers and only root can start dockerd here"
  # A dockerd may be running but not answering yet (just started by someone else), or on its way
  # out (stopped by someone else): wait while one exists, and start ours if it went away.
  if pgrep -x dockerd >/dev/null 2>&1; then
    say "a dockerd process exists but does not answer; waiting for it"
    local waited=0
    until engine_answers; do
      if ! pgrep -x dockerd >/dev/null 2>&1; then
        say "that dockerd is gone; starting one"
        start_dockerd
        return 0
      fi
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
