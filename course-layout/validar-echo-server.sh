#!/bin/sh
# The course's echo check, at the root of a submission: this project's netcat probe. It finds
# the running `server` container and its network, sends an echo from a container there and
# prints `action: test_echo_server | result: success` (or `fail`).
exec "$(dirname "$0")/netcat-tester/validar-echo-server.sh" "$@"
