/**
 * Adversaries: containers on the run's network that send the server bad input, as strategies
 * with static factories (like Probes):
 *
 *   const http = await run.probe(Adversaries.http());
 *   expect(http.decoded.errorName).toBe('FRAME_TOO_LARGE');
 *
 * Each runs one container of the netcat-tester image (busybox nc), sends its bytes to
 * server:12345, half-closes, and reports what came back, decoded with the harness's own wire
 * code (harness/wire).
 *
 * The server refuses at hello any agency outside 1 … SERVER_AGENCIES (UNKNOWN_AGENCY), so an
 * adversary that should get past hello speaks as a real agency of the run (`{ agency: n }`),
 * typically one more than the run's clients, with SERVER_AGENCIES raised to match; it then
 * owes the lottery its `done` (Adversaries.done) or the draw waits for it.
 */
import { FrameType } from '../wire/wire-format.js';
import { encodeFrame, encodeFrames } from '../wire/wire-serializer.js';
import type { Probe, ProbeContext } from './probes.js';
import {
  type BadBet,
  betsWithOneBad,
  type DecodedAnswer,
  decodeAnswer,
  firstHalf,
  helloAndBatch,
  helloAndDone,
  HTTP_GET,
  oversizedHeader,
  retyped,
  seededBytes,
} from './raw-payloads.js';
import { floodCommand, type FloodOutput, parseFloodOutput, parseSendOutput, sendCommand, type SendOutput } from './raw-scripts.js';

/**
 * The agency adversaries speak as unless told otherwise: beyond any run's agencies, so the
 * server refuses its hello with UNKNOWN_AGENCY and closes (nothing after the hello is read).
 */
export const ADVERSARY_AGENCY = 99;

export interface RawTarget {
  readonly host?: string;
  readonly port?: number;
  /** Seconds the exchange may take before nc is stopped (a server that never closes). */
  readonly timeoutSeconds?: number;
  /** The agency the adversary speaks as in its hello (default ADVERSARY_AGENCY). */
  readonly agency?: number;
}

function agencyOf(target: RawTarget): number {
  return target.agency ?? ADVERSARY_AGENCY;
}

export interface RawResult extends SendOutput {
  readonly description: string;
  /** The container's service name (its lines in the run's timeline). */
  readonly service: string;
  /** The bytes sent. */
  readonly payload: Buffer;
  /** Documents of the bets the payload carried (none stored, if the server did its job). */
  readonly documents: readonly string[];
  readonly decoded: DecodedAnswer;
  /** True when the server closed the connection (nc ended on its own, not by the timeout). */
  readonly closedByServer: boolean;
  /** Container start to container exit. */
  readonly durationMs: number;
  /** Everything the container printed. */
  readonly output: string;
}

/** One line about an exchange: who sent how much, what came back, who closed, how long it took. */
export function describeExchange(r: RawResult): string {
  const answer = r.decoded.messages.map((m) => (m.type === 'error' || m.type === 'batch_result' ? `${m.type}(${m.code})` : m.type)).join(' ');
  return `from ${r.ips.join('/')} sent ${String(r.bytesSent).padStart(5)} B → ${answer || '(nothing)'}; closed by server: ${r.closedByServer}; exchange ${r.exchangeMs} ms, container ${Math.round(r.durationMs)} ms`;
}

interface RawSpec {
  readonly description: string;
  readonly payload: Buffer;
  readonly documents?: readonly string[];
  /** Seconds between the last byte sent and the hang-up. */
  readonly holdSeconds?: number;
}

class RawProbe implements Probe<RawResult> {
  readonly description: string;
  constructor(private readonly spec: RawSpec, private readonly target: RawTarget) {
    this.description = spec.description;
  }

  async run(ctx: ProbeContext): Promise<RawResult> {
    const timeoutSeconds = this.target.timeoutSeconds ?? 10;
    const started = performance.now();
    const handle = await ctx.startContainer(
      ctx.freshName('adversary'),
      ctx.netcatTesterImage,
      sendCommand(this.spec.payload, {
        host: this.target.host ?? 'server',
        port: this.target.port ?? 12345,
        timeoutSeconds,
        holdSeconds: this.spec.holdSeconds ?? 0,
      }),
    );
    try {
      await handle.waitForExit((timeoutSeconds + (this.spec.holdSeconds ?? 0) + 30) * 1000);
      const durationMs = performance.now() - started;
      const output = handle.logText();
      const sent = parseSendOutput(output);
      return {
        ...sent,
        description: this.description,
        service: handle.service,
        payload: this.spec.payload,
        documents: this.spec.documents ?? [],
        decoded: decodeAnswer(sent.answer),
        closedByServer: sent.ncExit === 0,
        durationMs,
        output,
      };
    } finally {
      await handle.remove();
    }
  }
}

export interface FloodResult extends FloodOutput {
  readonly description: string;
  readonly service: string;
  readonly durationMs: number;
  readonly output: string;
}

class FloodProbe implements Probe<FloodResult> {
  readonly description: string;
  constructor(private readonly connections: number, private readonly holdSeconds: number, private readonly target: RawTarget) {
    this.description = `${connections} idle connections held for ${holdSeconds} s`;
  }

  async run(ctx: ProbeContext): Promise<FloodResult> {
    const started = performance.now();
    const handle = await ctx.startContainer(
      ctx.freshName('flood'),
      ctx.netcatTesterImage,
      floodCommand({ host: this.target.host ?? 'server', port: this.target.port ?? 12345, connections: this.connections, holdSeconds: this.holdSeconds }),
    );
    try {
      await handle.waitForExit((this.holdSeconds + 60) * 1000);
      const output = handle.logText();
      return { ...parseFloodOutput(output), description: this.description, service: handle.service, durationMs: performance.now() - started, output };
    } finally {
      await handle.remove();
    }
  }
}

/** Bets per adversary batch, and which of them is spoiled. */
const BATCH_BETS = 5;
const BAD_AT = 2;

/** Each batch case bets with its own documents, so a leak into bets.csv names its case. */
const DOCUMENT_SERIALS: Readonly<Record<BadBet | 'agency-mismatch' | 'half-frame' | 'unknown-agency', number>> = {
  'bad-date': 100,
  'number-out-of-range': 200,
  'empty-name': 300,
  'agency-mismatch': 400,
  'half-frame': 500,
  'unknown-agency': 600,
};

export type BatchAttack = BadBet | 'agency-mismatch';

export class Adversaries {
  /** Any bytes. */
  static raw(description: string, payload: Buffer, target: RawTarget = {}): Probe<RawResult> {
    return new RawProbe({ description, payload }, target);
  }

  /** `size` seeded random bytes. */
  static randomBytes(seed = 7, size = 4096, target: RawTarget = {}): Probe<RawResult> {
    return new RawProbe({ description: `${size} random bytes (seed ${seed})`, payload: seededBytes(seed, size) }, target);
  }

  /** A batch header declaring `payloadLength` bytes of payload (default: one more than fits), then some body. */
  static oversizedHeader(payloadLength?: number, target: RawTarget = {}): Probe<RawResult> {
    const payload = oversizedHeader(FrameType.batch, payloadLength);
    return new RawProbe({ description: `a batch header declaring ${payload.readUInt16BE(1)} payload bytes`, payload }, target);
  }

  /** hello, then the first half of a valid batch frame, then (after `holdSeconds`) the hang-up. */
  static halfFrame(holdSeconds = 1, target: RawTarget = {}): Probe<RawResult> {
    const agency = agencyOf(target);
    const bets = betsWithOneBad(DOCUMENT_SERIALS['half-frame'], BATCH_BETS, -1, undefined);
    const batch = encodeFrame({ type: 'batch', agency, firstPosition: 0, bets });
    const payload = Buffer.concat([encodeFrame({ type: 'hello', agency }), firstHalf(batch)]);
    const description = `hello, half a batch frame (${firstHalf(batch).length} of ${batch.length} bytes), a hang-up ${holdSeconds} s later`;
    return new RawProbe({ description, payload, documents: bets.map((b) => b.document), holdSeconds }, target);
  }

  /** A plain HTTP request. */
  static http(target: RawTarget = {}): Probe<RawResult> {
    return new RawProbe({ description: 'an HTTP GET request', payload: HTTP_GET }, target);
  }

  /** A well-framed message of a type code the protocol does not have (default 'Z'). */
  static unknownType(code = 0x5a, target: RawTarget = {}): Probe<RawResult> {
    const payload = retyped(encodeFrame({ type: 'hello', agency: agencyOf(target) }), code);
    return new RawProbe({ description: `a frame of unknown type 0x${code.toString(16)}`, payload }, target);
  }

  /**
   * hello as the adversary's agency, then a batch of 5 bets from position 0: the third spoiled
   * (bad date, number out of range, empty name), or all valid but the batch claiming agency
   * `claimed` (by default agency 1, a real agency of any run; 2 when the adversary is agency 1).
   */
  static invalidBatch(attack: BatchAttack, target: RawTarget = {}, claimed?: number): Probe<RawResult> {
    const agency = agencyOf(target);
    const serial = DOCUMENT_SERIALS[attack];
    const bets = betsWithOneBad(serial, BATCH_BETS, BAD_AT, attack === 'agency-mismatch' ? undefined : attack);
    const batchAgency = attack === 'agency-mismatch' ? claimed ?? (agency === 1 ? 2 : 1) : agency;
    const description =
      attack === 'agency-mismatch'
        ? `hello as agency ${agency}, a valid batch claiming agency ${batchAgency}`
        : `hello as agency ${agency}, a batch whose bet ${BAD_AT + 1} of ${BATCH_BETS} has: ${attack}`;
    return new RawProbe({ description, payload: helloAndBatch(agency, batchAgency, bets), documents: bets.map((b) => b.document) }, target);
  }

  /**
   * hello as `agency` (by default ADVERSARY_AGENCY: outside the run's 1 … N), then a valid batch
   * of 5 bets for it: the server should refuse the hello (UNKNOWN_AGENCY), close, store nothing.
   */
  static unknownAgency(agency = ADVERSARY_AGENCY, target: RawTarget = {}): Probe<RawResult> {
    const bets = betsWithOneBad(DOCUMENT_SERIALS['unknown-agency'], BATCH_BETS, -1, undefined);
    const description = `hello as agency ${agency}, then a valid batch of ${BATCH_BETS} bets for it`;
    return new RawProbe({ description, payload: helloAndBatch(agency, agency, bets), documents: bets.map((b) => b.document) }, target);
  }

  /**
   * hello, then `done` for the adversary's agency: an agency of the run that sent no bets still
   * owes its `done` before the draw. The server answers the hello only.
   */
  static done(target: RawTarget = {}): Probe<RawResult> {
    const agency = agencyOf(target);
    return new RawProbe({ description: `hello as agency ${agency}, then its done`, payload: helloAndDone(agency) }, target);
  }

  /** hello as agency `as` (default: the target's agency), then a winners query for agency `of`. */
  static foreignWinners(of: number, as?: number, target: RawTarget = {}): Probe<RawResult> {
    const agency = as ?? agencyOf(target);
    const payload = encodeFrames([{ type: 'hello', agency }, { type: 'winners_query', agency: of }]);
    return new RawProbe({ description: `hello as agency ${agency}, then the winners of agency ${of}`, payload }, target);
  }

  /** hello alone as `agency` (default: the target's agency): its status says how many bets the server holds of it. */
  static hello(agency?: number, target: RawTarget = {}): Probe<RawResult> {
    const as = agency ?? agencyOf(target);
    return new RawProbe({ description: `hello as agency ${as}`, payload: encodeFrame({ type: 'hello', agency: as }) }, target);
  }

  /** `connections` connections from one container, all open at once, silent for `holdSeconds`, then hung up. */
  static idleConnections(connections = 300, holdSeconds = 8, target: RawTarget = {}): Probe<FloodResult> {
    return new FloodProbe(connections, holdSeconds, target);
  }
}
