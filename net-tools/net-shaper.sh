#!/bin/sh
# tp0-net-shaper.sh: packet loss or a bandwidth limit on a container, Pumba-style. It runs in
# a helper container that shares the target's network namespace and has NET_ADMIN:
#
#   docker run -d --network container:TARGET --cap-add NET_ADMIN tp0-net-tools:latest loss 0.3
#   docker run -d --network container:TARGET --cap-add NET_ADMIN tp0-net-tools:latest \
#       bandwidth 1mbit 32768 100ms
#
#   loss P                        drop each packet with probability P (0 < P < 1), both ways, on
#                                 every interface but lo (iptables -m statistic -j DROP on INPUT
#                                 and OUTPUT)
#   bandwidth RATE BURST LATENCY  tc tbf on every interface but lo (egress), and the same on an
#                                 ifb device its incoming traffic is redirected to (ingress);
#                                 egress only when the kernel has no ifb or mirred
#   isolate [ADDRESS...]          a partition: drop every packet to and from the ADDRESSes
#                                 (iptables DROP inserted first in INPUT and OUTPUT); with none,
#                                 every packet of every interface but lo, both ways
#   --check                       print the tools' versions (exit 1 when one is missing)
#
# It applies the rules, prints `tp0-net-shaper: ready: …` and waits. On SIGTERM (docker stop),
# SIGINT or SIGHUP it removes exactly what it added, prints `tp0-net-shaper: healed` and exits 0,
# or prints `tp0-net-shaper: heal failed` and exits 1. If a step fails it undoes the others and
# exits 1. SIGKILL leaves the rules in place (they live in the target's namespace).
set -u
ME=tp0-net-shaper
say() { echo "$ME: $*"; }

# Full paths: busybox's sh runs its own `ip` and `tc` applets for a bare name.
tool() {
  for dir in /usr/sbin /sbin /usr/bin /bin; do
    if [ -x "$dir/$1" ]; then echo "$dir/$1"; return 0; fi
  done
  say "error: $1 not found (apt-get install iptables iproute2)" >&2
  return 1
}
IPT=$(tool iptables) && TC=$(tool tc) && IP=$(tool ip) || exit 1

# How to take back each step, newest first, one per line.
UNDO=''
added() {
  UNDO="$*
$UNDO"
}

# Runs the undo steps; 0 when each of them worked.
undo() {
  undo_status=0
  undo_steps=$UNDO
  UNDO=''
  set -f
  saved_ifs=$IFS
  IFS='
'
  for step in $undo_steps; do
    IFS=$saved_ifs
    eval "$step" || { undo_status=1; say "could not undo: $step"; }
  done
  IFS=$saved_ifs
  set +f
  return $undo_status
}

fail() {
  say "error: $*"
  undo
  exit 1
}

SLEEPER=''
on_signal() {
  trap '' TERM INT HUP
  [ -n "$SLEEPER" ] && kill "$SLEEPER" 2>/dev/null
  if undo; then say healed; exit 0; fi
  say 'heal failed'
  exit 1
}
trap on_signal TERM INT HUP

loss() {
  for chain in INPUT OUTPUT; do
    if [ "$chain" = INPUT ]; then side=-i; else side=-o; fi
    rule="$chain ! $side lo -m statistic --mode random --probability $1 -m comment --comment $ME -j DROP"
    $IPT -w -A $rule || fail "iptables -A $rule"
    added "$IPT -w -D $rule"
  done
  say "ready: loss $1 both ways on every interface but lo (iptables statistic DROP on INPUT and OUTPUT)"
}

isolate() {
  if [ $# -eq 0 ]; then
    for chain in INPUT OUTPUT; do
      if [ "$chain" = INPUT ]; then side=-i; else side=-o; fi
      rule="$chain ! $side lo -m comment --comment $ME -j DROP"
      $IPT -w -I $rule || fail "iptables -I $rule"
      added "$IPT -w -D $rule"
    done
    say "ready: isolated: every packet but lo's dropped both ways (iptables DROP on INPUT and OUTPUT)"
    return
  fi
  for address in "$@"; do
    for rule in "INPUT -s $address" "OUTPUT -d $address"; do
      rule="$rule -m comment --comment $ME -j DROP"
      $IPT -w -I $rule || fail "iptables -I $rule"
      added "$IPT -w -D $rule"
    done
  done
  say "ready: isolated from $* (iptables DROP on INPUT and OUTPUT)"
}

# Every interface but lo (and our ifb devices), without the @ifN suffix.
interfaces() {
  $IP -o link show | sed -n 's/^[0-9][0-9]*: \([^:@ ]*\).*/\1/p' | grep -v -e '^lo$' -e '^tp0ifb'
}

# Incoming traffic of $1 redirected to the ifb device $2, shaped there. Undone on failure.
shape_ingress() {
  earlier=$UNDO
  UNDO=''
  if $IP link add "$2" type ifb; then
    added "$IP link del $2"
    if $IP link set "$2" up && $TC qdisc add dev "$2" root tbf rate "$RATE" burst "$BURST" latency "$LATENCY" \
      && $TC qdisc add dev "$1" handle ffff: ingress; then
      added "$TC qdisc del dev $1 ingress"
      if $TC filter add dev "$1" parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev "$2"; then
        UNDO="$UNDO$earlier"
        return 0
      fi
    fi
  fi
  undo
  UNDO=$earlier
  return 1
}

bandwidth() {
  RATE=$1 BURST=$2 LATENCY=$3
  devices=$(interfaces)
  [ -n "$devices" ] || fail 'no network interface but lo'
  count=0
  ways='egress and ingress'
  for dev in $devices; do
    $TC qdisc add dev "$dev" root tbf rate "$RATE" burst "$BURST" latency "$LATENCY" || fail "tc qdisc add dev $dev root tbf"
    added "$TC qdisc del dev $dev root"
    if ! shape_ingress "$dev" "tp0ifb$count"; then
      say "note: ingress of $dev not shaped (no ifb device or tc mirred action in this kernel)"
      ways='egress only'
    fi
    count=$((count + 1))
  done
  say "ready: bandwidth $RATE ($ways, tbf burst $BURST latency $LATENCY) on $(echo $devices)"
}

case "${1:-}" in
  loss)
    [ $# -eq 2 ] || fail 'usage: loss PROBABILITY'
    loss "$2"
    ;;
  bandwidth)
    [ $# -eq 4 ] || fail 'usage: bandwidth RATE BURST LATENCY'
    bandwidth "$2" "$3" "$4"
    ;;
  isolate)
    shift
    isolate "$@"
    ;;
  --check)
    $IPT -V && $TC -V && $IP -V
    exit $?
    ;;
  --help)
    sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    fail "unknown command '${1:-}' (try --help)"
    ;;
esac

# Wait for a signal (a child sleep, so that the trap runs as soon as one comes).
while :; do
  sleep 86400 &
  SLEEPER=$!
  wait "$SLEEPER"
done
