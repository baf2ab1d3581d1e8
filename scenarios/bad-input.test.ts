/**
 * Bad input: while two real agencies send their bets, containers on the run's network send the
 * server garbage, broken frames, foreign protocols, refused batches, a hello from an agency the
 * lottery does not have and questions about other agencies, and hold 300 idle connections open.
 * Each gets the answer the protocol promises (an error frame with the right code, or a
 * batch_result refusing the batch) and the server keeps serving: it never exits, the agencies
 * finish with their own winners, bets.csv stays clean. As the server refuses agencies outside
 * 1 … SERVER_AGENCIES at hello, the adversaries speak as a real but idle agency, the last of
 * AGENCIES + 1, and send its `done` once every attack was answered (the draw waits for it).
 *
 * One run for the whole file: the adversaries fire in beforeAll, each `it` checks one promise.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADVERSARY_AGENCY,
  Adversaries,
  type BatchAttack,
  Datasets,
  type FloodResult,
  framingVerdict,
  LotteryRun,
  type Probe,
  type RawResult,
  type StartedLotteryRun,
  type TimelineEntry,
} from '../harness/index.js';
import { describeExchange } from '../harness/probes/raw-probe.js';
import { errorName } from '../harness/wire/wire-format.js';
import { expectEveryBetStoredOnce, expectOwnWinners } from '../harness/vitest/expectations.js';
import { maxOf, minOf } from '../testbed/stats/stats.js';

const AGENCIES = 2;
/** The adversaries' agency: the lottery's last (SERVER_AGENCIES = AGENCIES + 1), with no client of its own. */
const ADVERSARY = AGENCIES + 1;
const AS_ADVERSARY = { agency: ADVERSARY } as const;
const VICTIM = 1; // the real agency (sending meanwhile) the agency-mismatch batch claims
const RANDOM_SEED = 6;
const IDLE_CONNECTIONS = 300;
const HOLD_SECONDS = 8;
/** An error answer comes at once: well under the probe's own 10 s timeout. */
const PROMPT_MS = 2000;
const ARTIFACTS = resolve(fileURLToPath(new URL('..', import.meta.url)), 'artifacts', 'bad-input', 'shared-run');

/** Fired all at once while the 300 idle connections are held; then the idle agency's done, and a hello after the draw. */
type Attack = 'random' | 'oversized' | 'half' | 'http' | 'unknown' | BatchAttack | 'unknown-agency' | 'foreign-winners';

let run: StartedLotteryRun | undefined;
const shots = new Map<Attack, RawResult>();
let [done, helloAfter]: (RawResult | undefined)[] = [];
let flood: FloodResult;
let clientCodes: Record<string, number>;
let adversariesDoneAt = 0;

function shot(name: Attack | 'done' | 'hello-after'): RawResult {
  const result = name === 'done' ? done : name === 'hello-after' ? helloAfter : shots.get(name);
  if (!result) throw new Error(`adversary "${name}" did not run`);
  return result;
}

/** The status a hello of the idle agency hears: nothing stored. */
function idleStatus(drawDone: boolean): { type: 'status'; agency: number; stored: number; drawDone: boolean } {
  return { type: 'status', agency: ADVERSARY, stored: 0, drawDone };
}

function started(): StartedLotteryRun {
  if (!run) throw new Error('the run did not start');
  return run;
}

/** Answered with an error frame of `code` as its last message, then the server closed the connection. */
function expectRefused(r: RawResult, code: string): void {
  expect(r.decoded.problem, r.output).toBeUndefined();
  expect(r.decoded.trailingBytes).toBe(0);
  expect(r.decoded.messages.at(-1)?.type, JSON.stringify(r.decoded.messages)).toBe('error');
  expect(r.decoded.errorName).toBe(code);
  expect(r.closedByServer, `nc exit ${r.ncExit}`).toBe(true);
}

/** hello(ADVERSARY) answered by status (nothing stored), then the batch refused with `code`. */
function expectBatchRefused(r: RawResult, code: string): void {
  expect(r.decoded.problem, r.output).toBeUndefined();
  const [status, answer, ...rest] = r.decoded.messages;
  expect(status).toEqual(idleStatus(false));
  expect(answer).toMatchObject({ type: 'batch_result', firstPosition: 0, count: 5 });
  expect(answer?.type === 'batch_result' ? errorName(answer.code) : answer?.type).toBe(code);
  expect(rest).toEqual([]);
  expect(r.closedByServer).toBe(true);
}

/** The peer's address in a server line (`peer: 172.18.0.5:40112`). */
function peerAddress(e: TimelineEntry): string | undefined {
  const peer = e.event?.details.peer;
  return peer === undefined ? undefined : peer.slice(0, peer.lastIndexOf(':'));
}

/** When the flood container printed the line starting with `word` (engine time, as the server's lines). */
function floodAt(word: string): number {
  const line = started().timeline.select({ source: flood.service, where: (e) => e.text.includes(`raw-probe: ${word}`) })[0];
  if (!line) throw new Error(`the flood printed no "${word}" line`);
  return line.at;
}

/** When an adversary's connection ended (its container's nc-exit line, engine time). */
function answeredAt(r: RawResult): number {
  return started().timeline.select({ source: r.service, where: (e) => e.text.includes('raw-probe: nc-exit') })[0]?.at ?? NaN;
}

/** The server's `action` lines about the flood's connections (its addresses, while it ran: addresses are reused). */
function floodEvents(action: string): TimelineEntry[] {
  const [from, to] = [floodAt('ip'), floodAt('end')];
  return started().timeline.select({
    source: 'server',
    action,
    where: (e) => flood.ips.includes(peerAddress(e) ?? '') && e.at >= from && e.at <= to,
  });
}

beforeAll(async () => {
  const t0 = Date.now();
  run = await new LotteryRun()
    .withClients(AGENCIES)
    // The compose model sets SERVER_AGENCIES = clients in the server's environment, which wins over the INI.
    .withServerEnv({ SERVER_AGENCIES: String(ADVERSARY) })
    .withDataset(Datasets.uniform(AGENCIES, 20_000))
    // 200 batches each, 100 ms apart (20 s or more): still sending when the last adversary is done.
    .withClientConfig({ batch: { maxAmount: 100, period: '100ms' } })
    .start();
  const live = run;
  for (let i = 1; i <= AGENCIES; i++) await live.waitFor({ source: `client${i}`, action: 'apuestas_enviadas' }, 1, 60_000);
  const firstBatchesAt = Date.now();

  const flooding = live.probe(Adversaries.idleConnections(IDLE_CONNECTIONS, HOLD_SECONDS));
  await live.waitFor({ source: /^flood-\d+$/, where: (e) => e.text.includes('raw-probe: established') }, 1, 30_000);
  // All at once, while the 300 idle connections are held and the agencies send.
  const attacks: [Attack, Probe<RawResult>][] = [
    ['random', Adversaries.randomBytes(RANDOM_SEED, 4096)],
    ['oversized', Adversaries.oversizedHeader()],
    ['half', Adversaries.halfFrame(1, AS_ADVERSARY)],
    ['http', Adversaries.http()],
    ['unknown', Adversaries.unknownType(0x5a, AS_ADVERSARY)],
    ['bad-date', Adversaries.invalidBatch('bad-date', AS_ADVERSARY)],
    ['number-out-of-range', Adversaries.invalidBatch('number-out-of-range', AS_ADVERSARY)],
    ['empty-name', Adversaries.invalidBatch('empty-name', AS_ADVERSARY)],
    ['agency-mismatch', Adversaries.invalidBatch('agency-mismatch', AS_ADVERSARY, VICTIM)],
    ['unknown-agency', Adversaries.unknownAgency(ADVERSARY_AGENCY)],
    ['foreign-winners', Adversaries.foreignWinners(1, ADVERSARY)],
  ];
  for (const [name, result] of await Promise.all(attacks.map(async ([name, probe]) => [name, await live.probe(probe)] as const))) shots.set(name, result);
  flood = await flooding;
  // Every attack fired: the idle agency says it is done, so the draw waits for the real ones only.
  done = await live.probe(Adversaries.done(AS_ADVERSARY));
  adversariesDoneAt = Date.now();

  clientCodes = await live.waitForClients(120_000);
  const exitedAt = Date.now();
  helloAfter = await live.probe(Adversaries.hello(ADVERSARY));
  for (const [name, r] of [...shots, ['done', done], ['hello-after', helloAfter]] as const) console.log(`${name.padEnd(20)} ${describeExchange(r)}`);
  console.log(`flood: ${JSON.stringify({ ...flood, output: undefined })}`);
  const s = (at: number) => `${((at - t0) / 1000).toFixed(1)} s`;
  console.log(`phases: first batches ${s(firstBatchesAt)}, adversaries done ${s(adversariesDoneAt)}, agencies exited ${s(exitedAt)}`);
}, 240_000);

// eslint-disable-next-line no-empty-pattern -- vitest passes the suite second, after a fixture object
afterAll(async ({}, suite) => {
  if (!run) return;
  try {
    if (suite.result?.state === 'fail' || suite.tasks.some((t) => t.result?.state === 'fail')) {
      await run.saveArtifacts(ARTIFACTS);
      console.log(`artifacts of the failed scenario: ${join(ARTIFACTS)}`);
    }
  } finally {
    await run.stop();
  }
});

describe('bad input from the run network, while real agencies run', () => {
  it(`answers 4 KiB of random bytes with the error its own decoder finds in them, then closes`, () => {
    const verdict = framingVerdict(shot('random').payload);
    expect(verdict?.name).toBe('UNKNOWN_MESSAGE'); // seed 6: a 3,958-byte frame of type 0x60, read whole
    expectRefused(shot('random'), verdict?.name ?? 'none');
    expect(shot('random').exchangeMs).toBeLessThan(PROMPT_MS);
  });

  it('refuses a header declaring 8190 payload bytes (an 8193-byte frame) with FRAME_TOO_LARGE, without waiting for the body', () => {
    expectRefused(shot('oversized'), 'FRAME_TOO_LARGE');
    expect(shot('oversized').exchangeMs).toBeLessThan(PROMPT_MS);
  });

  it('answers half a frame with MALFORMED_MESSAGE (an unfinished frame) only at the hang-up, having waited for the rest', () => {
    const r = shot('half');
    expect(r.decoded.messages[0]).toEqual(idleStatus(false));
    expectRefused(r, 'MALFORMED_MESSAGE');
    // It waited for the rest of the frame until the hang-up, 1 s after the half.
    expect(r.exchangeMs).toBeGreaterThanOrEqual(900);
    expect(r.exchangeMs).toBeLessThan(1000 + PROMPT_MS);
  });

  it('answers an HTTP request with FRAME_TOO_LARGE ("GE" is the type, "T " a 17,748-byte length) and closes', () => {
    expectRefused(shot('http'), 'FRAME_TOO_LARGE');
  });

  it('answers a well-framed message of unknown type 0x5a with UNKNOWN_MESSAGE and closes', () => {
    expectRefused(shot('unknown'), 'UNKNOWN_MESSAGE');
  });

  it.each(['bad-date', 'number-out-of-range', 'empty-name'] as const)('refuses a batch with one bet of %s among valid ones: batch_result INVALID_BET', (attack) => {
    expectBatchRefused(shot(attack), 'INVALID_BET');
  });

  it(`refuses a valid batch claiming another agency than its hello (real agency ${VICTIM}, sending meanwhile): batch_result AGENCY_MISMATCH`, () => {
    expectBatchRefused(shot('agency-mismatch'), 'AGENCY_MISMATCH');
  });

  it(`refuses a hello as agency ${ADVERSARY_AGENCY} (outside 1 … ${ADVERSARY}) with UNKNOWN_AGENCY and closes, never reading the valid batch after it`, () => {
    const r = shot('unknown-agency');
    expect(r.decoded.messages).toHaveLength(1);
    expectRefused(r, 'UNKNOWN_AGENCY');
    expect(r.decoded.error?.message).toBe(`agency ${ADVERSARY_AGENCY} is not one of this lottery's agencies (1 … ${ADVERSARY})`);
    expect(r.exchangeMs).toBeLessThan(PROMPT_MS);
  });

  it("refuses a winners query for another agency's winners with an AGENCY_MISMATCH error, and closes", () => {
    const r = shot('foreign-winners');
    expect(r.decoded.messages[0]).toMatchObject({ type: 'status', agency: ADVERSARY });
    expectRefused(r, 'AGENCY_MISMATCH');
    expect(r.decoded.messages.some((m) => m.type === 'winners')).toBe(false);
  });

  it(`holds ${IDLE_CONNECTIONS} idle connections at once for ${HOLD_SECONDS} s (under the 30 s idle timeout and the 512 limit), answering the other adversaries meanwhile, then closes each on hang-up`, () => {
    expect(flood.established).toBe(IDLE_CONNECTIONS);
    expect(flood.stillEstablished).toBe(IDLE_CONNECTIONS);
    expect(flood.answerBytes).toBe(0);
    expect(flood.closed).toBe(IDLE_CONNECTIONS);
    const accepted = floodEvents('conexion_aceptada');
    const closed = floodEvents('close');
    expect(accepted).toHaveLength(IDLE_CONNECTIONS);
    expect(closed.map((e) => e.event?.details.reason)).toEqual(Array(IDLE_CONNECTIONS).fill('peer closed'));
    // All 300 were accepted before the first of them closed: the server held them at the same time.
    expect(maxOf(accepted.map((e) => e.seq))).toBeLessThan(minOf(closed.map((e) => e.seq)) ?? -Infinity);
    const timeline = started().timeline;
    expect(timeline.select({ source: 'server', action: 'conexion_rechazada' })).toEqual([]);
    expect(timeline.select({ source: 'server', action: 'conexion_inactiva' })).toEqual([]);
    const [from, to] = [floodAt('established'), floodAt('releasing')];
    for (const r of shots.values()) {
      const at = answeredAt(r);
      expect(at > from && at < to, `${r.description} was answered while the ${IDLE_CONNECTIONS} were held`).toBe(true);
    }
  });

  it('keeps serving the real agencies meanwhile: they send during the flood and outlast the adversaries', () => {
    const timeline = started().timeline;
    const [from, to] = [floodAt('established'), floodAt('releasing')];
    for (let i = 1; i <= AGENCIES; i++) {
      const during = timeline.select({ source: `client${i}`, action: 'apuestas_enviadas', result: 'success', where: (e) => e.at > from && e.at < to });
      expect(during.length, `client${i}'s batches acknowledged while 300 connections were held`).toBeGreaterThan(20);
      const notified = timeline.select({ source: `client${i}`, action: 'notificacion_enviada' })[0];
      expect(notified?.at, `client${i} was still sending when the last adversary was done`).toBeGreaterThan(adversariesDoneAt);
    }
  });

  it(`runs a lottery of ${ADVERSARY} agencies whose draw waits for the idle agency's done, sent once every attack was answered`, () => {
    const timeline = started().timeline;
    expect(timeline.select({ source: 'server', action: 'servidor_escuchando' }).map((e) => e.event?.details.agencias_esperadas)).toEqual([String(ADVERSARY)]);
    // The done is answered by the hello's status alone; the server closes on the hang-up.
    expect([shot('done').decoded.messages, shot('done').closedByServer]).toEqual([[idleStatus(false)], true]);
    // The real agencies were still sending: the adversary's done came first, then theirs, then the one draw.
    const notes = timeline.select({ source: 'server', action: 'notificacion_recibida' });
    const [first, ...rest] = notes.map((e) => e.event?.details);
    expect(first).toMatchObject({ agencia: String(ADVERSARY), agencias_listas: `1/${ADVERSARY}` });
    expect(rest.map((d) => d?.agencia).sort()).toEqual(['1', '2']);
    expect(notes[0]?.at).toBeGreaterThan(maxOf([...shots.values()].map(answeredAt)) ?? Infinity);
    const draws = timeline.select({ source: 'server', action: 'sorteo', result: 'success' });
    expect(draws.map((e) => e.seq > (maxOf(notes.map((n) => n.seq)) ?? Infinity))).toEqual([true]);
  });

  it('lets the real agencies finish: exit 0, every bet stored once, each its own winners', async () => {
    expect(clientCodes).toEqual({ client1: 0, client2: 0 });
    const result = await started().result();
    await expectEveryBetStoredOnce(result.stored, started().dataset!, AGENCIES);
    expectOwnWinners(result, started().dataset!);
    expect(result.failLines.filter((l) => l.startsWith('client'))).toEqual([]);
  });

  it(`stores nothing of the adversaries: no row of agency ${ADVERSARY} or ${ADVERSARY_AGENCY} nor of their documents; a hello of agency ${ADVERSARY} after the draw hears 0 stored`, async () => {
    const stored = await started().storedBets();
    expect(stored.malformed).toEqual([]);
    expect(stored.tornTail).toBe(false);
    expect(stored.rows.filter((r) => r.agency === ADVERSARY || r.agency === ADVERSARY_AGENCY)).toEqual([]);
    const documents = new Set([...shots.values()].flatMap((r) => r.documents));
    expect(documents.size).toBe(30); // 6 batches of 5 bets (half frame, 3 invalid bets, agency mismatch, unknown agency)
    expect(stored.rows.filter((r) => documents.has(r.document))).toEqual([]);
    expect(shot('hello-after').decoded.messages).toEqual([idleStatus(true)]);
  });

  it('never exits nor restarts, and logs a fail only about adversary connections', async () => {
    const server = started().server;
    expect(server.exitCount).toBe(0);
    expect((await server.inspect())?.running).toBe(true);
    // Not the done's nor the last hello's: they cause no fail, and the last may reuse an exited client's address.
    const adversaryIps = new Set([...shots.values(), flood].flatMap((r) => r.ips));
    const fails = started().timeline.select({ source: 'server', result: 'fail' });
    // A fail line names the adversary's address (protocol errors) or its agency (refused batches;
    // the one claiming agency VICTIM is refused as not the agency its connection speaks for).
    const mismatch = `this connection speaks for agency ${ADVERSARY}`;
    const byAdversary = (d: Readonly<Record<string, string>> = {}) => d.agencia === String(ADVERSARY) || (d.agencia === String(VICTIM) && d.detail === mismatch);
    expect(fails.filter((e) => !adversaryIps.has(peerAddress(e) ?? '') && !byAdversary(e.event?.details)).map((e) => e.text)).toEqual([]);
    // One protocol error per adversary whose answer was an error frame.
    const errors = started().timeline.select({ source: 'server', action: 'protocol_error' }).map((e) => e.event?.details.code);
    const expected = ['AGENCY_MISMATCH', 'FRAME_TOO_LARGE', 'FRAME_TOO_LARGE', 'MALFORMED_MESSAGE', 'UNKNOWN_AGENCY', 'UNKNOWN_MESSAGE', 'UNKNOWN_MESSAGE'];
    expect(errors.sort()).toEqual(expected);
  });
});
