/**
 * The busybox `sh` scripts adversary containers run, and the reading of what they print. Pure.
 *
 * Every line a script prints starts with `raw-probe: `, so nothing else in the log (a shell
 * notice, a stray stderr line) can be mistaken for data. Bytes travel base64-encoded both
 * ways: the payload as an argument, the answer as wrapped base64 lines.
 */

export const LINE_PREFIX = 'raw-probe: ';

/**
 * A shell function printing the container's IPv4 addresses (not loopback). A container may sit
 * on more networks than the run's (and hostname -i may name another one): the server's
 * peer is one of these.
 */
const ADDRESSES = `addresses() { ip -4 -o addr show | awk '{print $4}' | cut -d/ -f1 | grep -v '^127[.]' | tr '\\n' ' '; }`;

/** Positional arguments: $1 payload (base64), $2 host, $3 port, $4 timeout s, $5 hold s. */
const SEND_SCRIPT = `
set -u
${ADDRESSES}
printf '%s' "$1" | base64 -d > /tmp/in
echo "${LINE_PREFIX}ip $(addresses)"
echo "${LINE_PREFIX}sending $(wc -c < /tmp/in) bytes"
read t0 _ < /proc/uptime
{ cat /tmp/in; sleep "$5"; } | timeout "$4" nc "$2" "$3" > /tmp/out 2> /tmp/err
rc=$?
read t1 _ < /proc/uptime
echo "${LINE_PREFIX}nc-exit $rc"
echo "${LINE_PREFIX}uptime $t0 $t1"
base64 < /tmp/out | sed 's/^/${LINE_PREFIX}answer /'
sed 's/^/${LINE_PREFIX}stderr /' < /tmp/err
echo "${LINE_PREFIX}end"
`;

export interface SendOptions {
  readonly host: string;
  readonly port: number;
  /** Seconds nc may take in all: a server that never closes shows as exit 143. */
  readonly timeoutSeconds: number;
  /** Seconds to keep the connection open after the payload, before the hang-up (FIN). */
  readonly holdSeconds: number;
}

/** Entrypoint and command of a container that sends `payload` once and prints the answer. */
export function sendCommand(payload: Buffer, o: SendOptions): { entrypoint: string[]; command: string[] } {
  return {
    entrypoint: ['/bin/sh'],
    command: ['-c', SEND_SCRIPT, 'raw-probe', payload.toString('base64'), o.host, String(o.port), String(o.timeoutSeconds), String(o.holdSeconds)],
  };
}

/** Our lines of a container's output, without the prefix, as [key, rest] pairs. */
function ownLines(output: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of output.split('\n')) {
    const at = raw.indexOf(LINE_PREFIX);
    if (at < 0) continue;
    const line = raw.slice(at + LINE_PREFIX.length).trimEnd();
    const space = line.indexOf(' ');
    out.push(space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)]);
  }
  return out;
}

export class RawOutputError extends Error {
  override readonly name = 'RawOutputError';
}

export interface SendOutput {
  /** The container's IPv4 addresses: the server logs its peer by one of them. */
  readonly ips: readonly string[];
  readonly bytesSent: number;
  /** nc's exit status: 0 when the server closed the connection, 143 when `timeout` ended it. */
  readonly ncExit: number;
  /** From sending the first byte to the connection's end, as the container measured it. */
  readonly exchangeMs: number;
  readonly answer: Buffer;
  readonly stderr: readonly string[];
}

function value(lines: [string, string][], key: string, output: string): string {
  const found = lines.find(([k]) => k === key);
  if (!found) throw new RawOutputError(`no "${LINE_PREFIX}${key}" line in the container's output:\n${output}`);
  return found[1];
}

function addressesOf(text: string): string[] {
  return text.split(' ').filter((a) => a !== '');
}

/** Reads what SEND_SCRIPT printed; throws RawOutputError when the script did not finish. */
export function parseSendOutput(output: string): SendOutput {
  const lines = ownLines(output);
  value(lines, 'end', output);
  const [t0, t1] = value(lines, 'uptime', output).split(' ').map(Number) as [number, number];
  const sent = /^(\d+) bytes$/.exec(value(lines, 'sending', output));
  return {
    ips: addressesOf(value(lines, 'ip', output)),
    bytesSent: sent ? Number(sent[1]) : NaN,
    ncExit: Number(value(lines, 'nc-exit', output)),
    exchangeMs: Math.round((t1 - t0) * 1000),
    answer: Buffer.from(lines.filter(([k]) => k === 'answer').map(([, v]) => v.trim()).join(''), 'base64'),
    stderr: lines.filter(([k]) => k === 'stderr').map(([, v]) => v),
  };
}

/**
 * Positional arguments: $1 connections, $2 host, $3 port, $4 hold s. Opens every connection
 * (each nc reads a FIFO nobody writes, so it sends nothing), waits until all are established,
 * holds them, then closes the FIFO: every nc sees end of input, hangs up, and waits for the
 * server to close.
 */
const FLOOD_SCRIPT = `
set -u
n=$1 host=$2 port=$3
${ADDRESSES}
echo "${LINE_PREFIX}ip $(addresses)"
mkfifo /tmp/hold
i=0
while [ $i -lt $n ]; do
  i=$((i + 1))
  ( nc "$host" "$port" < /tmp/hold > /tmp/out.$i 2> /dev/null; echo $? > /tmp/rc.$i ) &
done
exec 3> /tmp/hold
established() { netstat -tn 2>/dev/null | grep ":$port " | grep -c ESTABLISHED; }
tries=0
while [ "$(established)" -lt "$n" ] && [ $tries -lt 150 ]; do sleep 0.1; tries=$((tries + 1)); done
echo "${LINE_PREFIX}established $(established)"
sleep "$4"
echo "${LINE_PREFIX}releasing $(established)"
exec 3>&-
wait
closed=0
bytes=0
i=0
while [ $i -lt $n ]; do
  i=$((i + 1))
  [ "$(cat /tmp/rc.$i 2>/dev/null)" = 0 ] && closed=$((closed + 1))
  bytes=$((bytes + $(wc -c < /tmp/out.$i)))
done
echo "${LINE_PREFIX}closed $closed"
echo "${LINE_PREFIX}answer-bytes $bytes"
echo "${LINE_PREFIX}end"
`;

export interface FloodOptions {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly holdSeconds: number;
}

export function floodCommand(o: FloodOptions): { entrypoint: string[]; command: string[] } {
  return {
    entrypoint: ['/bin/sh'],
    command: ['-c', FLOOD_SCRIPT, 'raw-flood', String(o.connections), o.host, String(o.port), String(o.holdSeconds)],
  };
}

export interface FloodOutput {
  readonly ips: readonly string[];
  /** Connections established (as netstat saw them) once all were opened… */
  readonly established: number;
  /** …and still established after the hold, just before the hang-up. */
  readonly stillEstablished: number;
  /** Connections whose nc ended normally after the hang-up (the server closed its side). */
  readonly closed: number;
  /** Bytes the server sent over all of them. */
  readonly answerBytes: number;
}

export function parseFloodOutput(output: string): FloodOutput {
  const lines = ownLines(output);
  value(lines, 'end', output);
  return {
    ips: addressesOf(value(lines, 'ip', output)),
    established: Number(value(lines, 'established', output)),
    stillEstablished: Number(value(lines, 'releasing', output)),
    closed: Number(value(lines, 'closed', output)),
    answerBytes: Number(value(lines, 'answer-bytes', output)),
  };
}
