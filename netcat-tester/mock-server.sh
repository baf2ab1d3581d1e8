#!/bin/sh
# Mock servers for testing the echo probe (busybox nc, one handler per connection, serving
# connection after connection until the container is stopped):
#   mock-server.sh wrong  [port]   reads the frame header and payload, answers a frame of
#                                  the same type and length whose payload bytes differ
#   mock-server.sh silent [port]   accepts and never answers (keeps the connection open)
#   mock-server.sh echo   [port]   a correct echo responder (sends back what it gets)
# In the image: docker run --rm --network N --entrypoint /bin/sh tp0-netcat-tester:latest \
#                 /usr/local/bin/mock-server.sh wrong 12345
set -u

usage() {
  echo "usage: mock-server.sh wrong|silent|echo [port]" >&2
  exit 2
}

handle_wrong() {
  header=$(dd bs=1 count=3 2>/dev/null | od -An -tu1)
  # shellcheck disable=SC2086 # split the three decimal bytes into $1 $2 $3
  set -- $header
  if [ $# -lt 3 ]; then
    printf 'X\000\000'
    echo "mock-server: wrong: short header, answered X" >&2
    return
  fi
  len=$(( $2 * 256 + $3 ))
  dd bs=1 count="$len" 2>/dev/null >/dev/null
  # Same type and length, payload all 'x': only a byte-for-byte check catches it.
  printf "\\$(printf '%03o' "$1")\\$(printf '%03o' "$2")\\$(printf '%03o' "$3")"
  head -c "$len" /dev/zero | tr '\000' 'x'
  echo "mock-server: wrong: answered a ${len}-byte payload of x" >&2
}

handle_silent() {
  echo "mock-server: silent: connection accepted, never answering" >&2
  exec sleep 86400
}

if [ "${1:-}" = "--handle" ]; then
  case "${2:-}" in
    wrong) handle_wrong ;;
    silent) handle_silent ;;
    echo) exec cat ;;
  esac
  exit 0
fi

mode="${1:-}"
port="${2:-12345}"
case "$mode" in wrong|silent|echo) ;; *) usage ;; esac
case "$port" in ''|*[!0-9]*) usage ;; esac
echo "mock-server: $mode listening on port $port" >&2
# -ll: keep listening after each connection; -e: run the handler with the socket as stdio.
exec nc -ll -p "$port" -e /bin/sh "$0" --handle "$mode"
