#!/bin/sh
# Netcat echo probe for the lottery server.
#
# Sends one ECHO frame ('E', 2-byte big-endian length, random payload) with netcat and
# compares the whole reply byte for byte. Prints exactly one line on stdout:
#   action: test_echo_server | result: success     (exit 0)
#   action: test_echo_server | result: fail        (exit 1)
# Reasons for a failure go to stderr. A wrong, missing or late answer, an unknown or
# unreachable host: all are `fail`, within --timeout seconds (default 5).
#
# On the host (no netcat needed, no port published): runs itself in a container of
# the tp0-netcat-tester image attached to the server's network.
#   netcat-tester/validar-echo-server.sh                  # finds the `server` container
#   netcat-tester/validar-echo-server.sh --network N --host H --port P [--image I]
# Inside that image (its entrypoint; TP0_PROBE_INSIDE=1 there), or with --direct:
#   validar-echo-server.sh --host server --port 12345
set -u

HOST=server
HOST_GIVEN=0
PORT=12345
NETWORK=
CONTAINER=server
IMAGE="${TP0_NETCAT_IMAGE:-tp0-netcat-tester:latest}"
TIMEOUT=5
DIRECT="${TP0_PROBE_INSIDE:-0}"

usage() {
  cat >&2 <<'EOF'
usage: validar-echo-server.sh [--host H] [--port P] [--timeout S]
                              [--network N] [--container C] [--image I] [--direct]
  --host H       server host name or address (default: server)
  --port P       server port (default: 12345)
  --timeout S    seconds to wait for the whole answer (default: 5)
  --network N    Docker network to run the probe container on
                 (default: the network of the running container --container)
  --container C  server container to look up when --network is not given (default: server)
  --image I      probe image (default: tp0-netcat-tester:latest)
  --direct       probe from here with nc instead of from a container
EOF
}

ok() {
  echo "action: test_echo_server | result: success"
  exit 0
}

fail() {
  [ -n "${1:-}" ] && echo "validar-echo-server: $1" >&2
  echo "action: test_echo_server | result: fail"
  exit 1
}

need_value() {
  [ "$2" -ge 2 ] || { echo "validar-echo-server: $1 needs a value" >&2; usage; exit 2; }
}
while [ $# -gt 0 ]; do
  case "$1" in
    --host|--port|--timeout|--network|--container|--image)
      need_value "$1" $#
      case "$1" in
        --host) HOST="$2"; HOST_GIVEN=1 ;;
        --port) PORT="$2" ;;
        --timeout) TIMEOUT="$2" ;;
        --network) NETWORK="$2" ;;
        --container) CONTAINER="$2" ;;
        --image) IMAGE="$2" ;;
      esac
      shift 2 ;;
    --direct) DIRECT=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "validar-echo-server: unknown argument: $1" >&2; usage; exit 2 ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) echo "validar-echo-server: bad --port: '$PORT'" >&2; usage; exit 2 ;; esac
case "$TIMEOUT" in ''|*[!0-9]*) echo "validar-echo-server: bad --timeout: '$TIMEOUT'" >&2; usage; exit 2 ;; esac
[ -n "$HOST" ] || { echo "validar-echo-server: empty --host" >&2; usage; exit 2; }

# Hex dump without spaces or newlines: "450005…".
hex() { od -An -tx1 | tr -d ' \n'; }

probe_direct() {
  # Random payload, so that a server replaying an older answer does not pass.
  rand=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  payload="tp0-echo-$rand"
  len=$(printf '%s' "$payload" | wc -c | tr -d ' ')
  # Payload < 256 bytes: the 2-byte length is \000 then one octal-escaped byte.
  frame="E\\000\\$(printf '%03o' "$len")$payload"
  expected=$(printf "$frame" | hex)
  reply_file=$(mktemp) || fail "cannot create a temporary file"
  # nc half-closes after sending; timeout bounds a server that never answers or never
  # closes. The subshell keeps the shell's "Terminated" notice off our stderr.
  ( printf "$frame" | timeout "$TIMEOUT" nc -w "$TIMEOUT" "$HOST" "$PORT" >"$reply_file" ) 2>/dev/null
  status=$?
  reply=$(hex <"$reply_file")
  rm -f "$reply_file"
  if [ "$reply" = "$expected" ]; then ok; fi
  if [ -n "$reply" ]; then fail "wrong answer from $HOST:$PORT: expected $expected, got $reply"; fi
  if [ "$status" -ge 128 ]; then fail "no answer from $HOST:$PORT within ${TIMEOUT}s"; fi
  fail "no answer from $HOST:$PORT (cannot connect, or closed without answering; nc exit $status)"
}

probe_from_container() {
  command -v docker >/dev/null 2>&1 || fail "docker CLI not found (or run with --direct where nc exists)"
  if [ -z "$NETWORK" ]; then
    running=$(docker inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null) \
      || fail "no container named '$CONTAINER' (start the system first, or give --network)"
    [ "$running" = true ] || fail "container '$CONTAINER' is not running"
    NETWORK=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{"\n"}}{{end}}' "$CONTAINER" | grep -v '^$' | head -n 1)
    [ -n "$NETWORK" ] || fail "container '$CONTAINER' is on no network"
    # The default bridge has no name resolution: use the server's address there.
    if [ "$NETWORK" = bridge ] && [ "$HOST_GIVEN" = 0 ]; then
      HOST=$(docker inspect -f '{{.NetworkSettings.Networks.bridge.IPAddress}}' "$CONTAINER")
    fi
  fi
  outer=""
  command -v timeout >/dev/null 2>&1 && outer="timeout $((TIMEOUT + 30))"
  # The container's own stderr (reasons) passes through; its stdout is the result line.
  out=$($outer docker run --rm --network "$NETWORK" --label tp0.project=tp0 --label tp0.role=probe \
    "$IMAGE" --host "$HOST" --port "$PORT" --timeout "$TIMEOUT")
  line=$(printf '%s\n' "$out" | grep '^action: test_echo_server | result: ' | tail -n 1)
  [ "$line" = "action: test_echo_server | result: success" ] && ok
  [ -n "$line" ] && fail ""
  fail "the probe container ($IMAGE on network $NETWORK) gave no result; build it with: npm run images"
}

if [ "$DIRECT" = 1 ]; then probe_direct; else probe_from_container; fi
