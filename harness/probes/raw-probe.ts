/**
 * Adversaries: containers on the run's network that send the server bad input, as strategies
 * with static factories (like Probes):
 *
 *   const http = await run.probe(Adversaries.http());
 *   expect(http.decoded.errorName).toBe('FRAME_TOO_LARGE');
 *
 * Each runs one container of the netcat-tester image (busybox nc), sends its bytes to
 * server:12345, half-closes, and reports what came back, decoded with the project's decoders.
 */
import { MessageCode } from '../../system/protocol/constants.js';
import { batchOf } from '../../system/protocol/bet-text.js';
import { encodeBatch, encodeHello, encodeWinnersQuery } from '../../system/protocol/serializer.js';
import type { Probe, ProbeContext } from './probes.js';
import {
  type BadBet,
  betsWithOneBad,
  type DecodedAnswer,
  decodeAnswer,
  firstHalf,
  helloAndBatch,
  HTTP_GET,
  oversizedHeader,
  retyped,
  seededBytes,
} from './raw-payloads.js';
import { floodCommand, type FloodOutput, parseFloodOutput, parseSendOutput, sendCommand, type SendOutput } from './raw-scripts.js';

/** The agency adversaries speak for: no run has that many real agencies, so nothing of it is ever expected. */
export const ADVERSARY_AGENCY = 99;

export interface RawTarget {
  readonly host?: string;
  readonly port?: number;
  /** Seconds the exchange may take before nc is stopped (a server that never closes). */
  readonly timeoutSeconds?: number;
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
const DOCUMENT_SERIALS: Readonly<Record<BadBet | 'agency-mismatch' | 'half-frame', number>> = {
  'bad-date': 100,
  'number-out-of-range': 200,
  'empty-name': 300,
  'agency-mismatch': 400,
  'half-frame': 500,
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
    const payload = oversizedHeader(MessageCode.batch, payloadLength);
    return new RawProbe({ description: `a batch header declaring ${payload.readUInt16BE(1)} payload bytes`, payload }, target);
  }

  /** hello, then the first half of a valid batch frame, then (after `holdSeconds`) the hang-up. */
  static halfFrame(holdSeconds = 1, target: RawTarget = {}): Probe<RawResult> {
    const bets = betsWithOneBad(DOCUMENT_SERIALS['half-frame'], BATCH_BETS, -1, undefined);
    const batch = encodeBatch(batchOf(ADVERSARY_AGENCY, 0, bets));
    const payload = Buffer.concat([encodeHello({ agency: ADVERSARY_AGENCY }), firstHalf(batch)]);
    const description = `hello, half a batch frame (${firstHalf(batch).length} of ${batch.length} bytes), a hang-up ${holdSeconds} s later`;
    return new RawProbe({ description, payload, documents: bets.map((b) => b.document), holdSeconds }, target);
  }

  /** A plain HTTP request. */
  static http(target: RawTarget = {}): Probe<RawResult> {
    return new RawProbe({ description: 'an HTTP GET request', payload: HTTP_GET }, target);
  }

  /** A well-framed message of a type code the protocol does not have (default 'Z'). */
  static unknownType(code = 0x5a, target: RawTarget = {}): Probe<RawResult> {
    const payload = retyped(encodeHello({ agency: ADVERSARY_AGENCY }), code);
    return new RawProbe({ description: `a frame of unknown type 0x${code.toString(16)}`, payload }, target);
  }

  /**
   * hello(99), then a batch of 5 bets from position 0: the third spoiled (bad date, number out
   * of range, empty name), or all valid but the batch claiming agency 98.
   */
  static invalidBatch(attack: BatchAttack, target: RawTarget = {}): Probe<RawResult> {
    const serial = DOCUMENT_SERIALS[attack];
    const bets = betsWithOneBad(serial, BATCH_BETS, BAD_AT, attack === 'agency-mismatch' ? undefined : attack);
    const batchAgency = attack === 'agency-mismatch' ? ADVERSARY_AGENCY - 1 : ADVERSARY_AGENCY;
    const description =
      attack === 'agency-mismatch'
        ? `hello as agency ${ADVERSARY_AGENCY}, a valid batch claiming agency ${batchAgency}`
        : `hello as agency ${ADVERSARY_AGENCY}, a batch whose bet ${BAD_AT + 1} of ${BATCH_BETS} has: ${attack}`;
    return new RawProbe({ description, payload: helloAndBatch(ADVERSARY_AGENCY, batchAgency, bets), documents: bets.map((b) => b.document) }, target);
  }

  /** hello as agency `as`, then a winners query for agency `of`. */
  static foreignWinners(of: number, as = ADVERSARY_AGENCY, target: RawTarget = {}): Probe<RawResult> {
    const payload = Buffer.concat([encodeHello({ agency: as }), encodeWinnersQuery({ agency: of })]);
    return new RawProbe({ description: `hello as agency ${as}, then the winners of agency ${of}`, payload }, target);
  }

  /** hello alone: the answer's status says how many bets of `agency` the server holds. */
  static hello(agency = ADVERSARY_AGENCY, target: RawTarget = {}): Probe<RawResult> {
    return new RawProbe({ description: `hello as agency ${agency}`, payload: encodeHello({ agency }) }, target);
  }

  /** `connections` connections from one container, all open at once, silent for `holdSeconds`, then hung up. */
  static idleConnections(connections = 300, holdSeconds = 8, target: RawTarget = {}): Probe<FloodResult> {
    return new FloodProbe(connections, holdSeconds, target);
  }
}
