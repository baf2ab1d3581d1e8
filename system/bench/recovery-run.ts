/**
 * One baseline and one recovery run of `npm run bench:recovery`, each timed from the log lines
 * of real child processes (see timed-child.ts) and checked (recovery-check.ts).
 *
 * Every time is relative to `from`, the (re)spawn of the server measured:
 *   listening  from → its `servidor_escuchando`
 *   reconnect  `servidor_escuchando` → its first `agencia_conectada`
 *   ack        first `agencia_conectada` → the first `apuestas_enviadas | result: success` that a
 *              client logs after connecting to this server (the client read the acknowledgement)
 *   stored     first `agencia_conectada` → this server's first `apuesta_recibida | result: success`
 *              (the batch is durable and its acknowledgement is being sent; the client reads
 *              acknowledgements once its window of batches in flight is full, so `ack` ≥ `stored`)
 *   total      from → that first acknowledgement (= listening + reconnect + ack)
 *   allAcked   from → every agency acknowledged once by this server (an agency with nothing left
 *              to send counts at its `agencia_conectada`)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type AgencyData, checkRun } from './recovery-check.js';
import { type ClientSettings, freePort, type ProcessPool, type TimedChild } from './timed-child.js';
import { maxOf, minOf } from '../../testbed/stats/stats.js';

export interface Timings {
  readonly total: number;
  readonly listening: number;
  readonly reconnect: number;
  readonly ack: number;
  readonly stored: number;
  readonly allAcked: number;
}

export interface RecoverySample extends Timings {
  /** Batches the killed server had logged as stored when it died. */
  readonly storedBatchesAtKill: number;
  /** Bytes past the committed length that the restarted server cut (`reparar_almacenamiento`). */
  readonly repairedBytes: number;
  /** Bets the restarted server found in bets.csv (`abrir_almacenamiento`). */
  readonly storedAtRestart: number;
}

export interface RunSetup {
  readonly pool: ProcessPool;
  readonly agencies: readonly AgencyData[];
  readonly client: ClientSettings;
  /** A fresh folder for this run's bets.csv (removed after a correct run). */
  readonly dir: string;
  /** The recovery run kills the server once it has logged this many stored batches. */
  readonly killAfterBatches: number;
  /** Wait between the killed server's exit and the respawn (a supervisor's restart delay). */
  readonly downMs: number;
  readonly timeoutMs: number;
}

const LISTENING = /action: servidor_escuchando \| result: success/;
const CONNECTED = /action: agencia_conectada \| result: success \|.* agencia: (\d+) \| apuestas_guardadas: (\d+)/;
const STORED = /action: apuesta_recibida \| result: success/;
const CLIENT_CONNECT = /action: connect \| result: success/;
const CLIENT_RETRYING = /action: connect \| result: in_progress/;
const ACK = /action: apuestas_enviadas \| result: success \| cantidad: \d+ \| enviadas: (\d+)/;

/** Baseline: a cold start on an empty bets.csv, while every agency is already retrying. */
export async function runBaseline(s: RunSetup): Promise<Timings> {
  const betsFile = freshBetsFile(s.dir);
  const port = await freePort();
  const clients = s.agencies.map((a) => s.pool.client(port, a.agency, a.path, s.client));
  await Promise.all(clients.map((c) => c.run.waitFor(CLIENT_RETRYING, 1, s.timeoutMs)));
  const server = s.pool.server(port, s.agencies.length, betsFile);
  const from = server.spawnedAt;
  const end = await finish(s, clients, server);
  checkRun('baseline', s.agencies, betsFile, end);
  const t = timings(server, clients, s.agencies, from);
  rmSync(s.dir, { recursive: true, force: true });
  return t;
}

/** Recovery: SIGKILL the server mid-run, respawn it on the same bets.csv and port. */
export async function runRecovery(s: RunSetup): Promise<RecoverySample> {
  const betsFile = freshBetsFile(s.dir);
  const first = s.pool.server(0, s.agencies.length, betsFile);
  const port = Number(/\| port: (\d+)/.exec(await first.run.waitFor(LISTENING, 1, s.timeoutMs))?.[1]);
  const clients = s.agencies.map((a) => s.pool.client(port, a.agency, a.path, s.client));
  await first.run.waitFor(STORED, s.killAfterBatches, s.timeoutMs);
  first.run.kill('SIGKILL');
  const killed = await first.exit(s.timeoutMs);
  if (killed.signal !== 'SIGKILL') throw new Error(`recovery: the first server ended ${JSON.stringify(killed)}, not by the SIGKILL`);
  const storedBatchesAtKill = first.lines.filter((l) => STORED.test(l.line)).length;
  if (s.downMs > 0) await delay(s.downMs);

  const second = s.pool.server(port, s.agencies.length, betsFile);
  const from = second.spawnedAt;
  const end = await finish(s, clients, second);
  checkRun('recovery', s.agencies, betsFile, end);
  checkDurable(second, clients, s.agencies, from);
  if (second.first(/action: reparar_almacenamiento \| result: fail/)) {
    throw new Error(`recovery: ${second.first(/reparar_almacenamiento/)?.line}`);
  }
  const repaired = second.first(/action: reparar_almacenamiento \| result: success \|.* removed_bytes: (\d+)/)?.line;
  const opened = second.first(/action: abrir_almacenamiento \| result: success \|.* bets: (\d+)/)?.line;
  if (opened === undefined) throw new Error('recovery: the restarted server logged no abrir_almacenamiento');
  const t = timings(second, clients, s.agencies, from);
  rmSync(s.dir, { recursive: true, force: true });
  return {
    ...t,
    storedBatchesAtKill,
    repairedBytes: repaired ? Number(/removed_bytes: (\d+)/.exec(repaired)?.[1]) : 0,
    storedAtRestart: Number(/\| bets: (\d+)/.exec(opened)?.[1]),
  };
}

function freshBetsFile(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const betsFile = join(dir, 'bets.csv');
  writeFileSync(betsFile, '');
  return betsFile;
}

/** Every client exits on its own, then the server gets a SIGTERM. */
async function finish(s: RunSetup, clients: readonly TimedChild[], server: TimedChild) {
  const exits = await Promise.all(clients.map((c) => c.exit(s.timeoutMs)));
  server.run.kill('SIGTERM');
  const serverExit = await server.exit(s.timeoutMs);
  return { clients: clients.map((child, i) => ({ child, exit: exits[i] as (typeof exits)[number] })), server: { child: server, exit: serverExit } };
}

/** Each agency's first `agencia_conectada` on `server`: when, and the bets it held for it. */
function connections(server: TimedChild): Map<number, { at: number; stored: number }> {
  const out = new Map<number, { at: number; stored: number }>();
  for (const l of server.lines) {
    const m = CONNECTED.exec(l.line);
    if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), { at: l.at, stored: Number(m[2]) });
  }
  return out;
}

/** The first acknowledgement a client read after connecting to the server spawned at `from`. */
function firstAck(client: TimedChild, from: number): number | undefined {
  const connected = client.first(CLIENT_CONNECT, from);
  return connected ? client.first(ACK, connected.at)?.at : undefined;
}

function timings(server: TimedChild, clients: readonly TimedChild[], agencies: readonly AgencyData[], from: number): Timings {
  const listening = server.first(LISTENING)?.at;
  const connected = server.first(CONNECTED)?.at;
  const conns = connections(server);
  const acks: number[] = [];
  const settled: number[] = [];
  agencies.forEach((a, i) => {
    const conn = conns.get(a.agency);
    if (!conn) throw new Error(`agency ${a.agency} never connected to the server measured`);
    const ack = firstAck(clients[i] as TimedChild, from);
    if (ack !== undefined) acks.push(ack);
    if (conn.stored >= a.documents.size) settled.push(conn.at);
    else if (ack !== undefined) settled.push(ack);
    else throw new Error(`agency ${a.agency} had bets left but read no acknowledgement from the server measured`);
  });
  if (listening === undefined || connected === undefined || acks.length === 0) {
    throw new Error('no batch was acknowledged by the server measured (was it killed after every bet was stored? use a smaller --kill-at or a larger dataset)');
  }
  const ack = minOf(acks) as number;
  const stored = server.first(STORED)?.at ?? ack;
  return {
    total: ack - from,
    listening: listening - from,
    reconnect: connected - listening,
    ack: ack - connected,
    stored: stored - connected,
    allAcked: (maxOf(settled) as number) - from,
  };
}

/** No acknowledged batch lost: what each client read as acknowledged before the kill is stored after it. */
function checkDurable(server: TimedChild, clients: readonly TimedChild[], agencies: readonly AgencyData[], from: number): void {
  const conns = connections(server);
  agencies.forEach((a, i) => {
    const c = clients[i] as TimedChild;
    const reconnected = c.first(CLIENT_CONNECT, from)?.at ?? Infinity;
    let acked = 0;
    for (const l of c.lines) {
      if (l.at >= reconnected) break;
      const m = ACK.exec(l.line);
      if (m) acked = Math.max(acked, Number(m[1]));
    }
    const stored = conns.get(a.agency)?.stored ?? 0;
    if (stored < acked) throw new Error(`recovery: agency ${a.agency} had ${acked} bets acknowledged before the kill, the restarted server holds ${stored}`);
  });
}
