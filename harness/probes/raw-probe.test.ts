import { describe, expect, it } from 'vitest';
import { betProblem } from '../../testbed/dataset/bet-rules.js';
import { MAX_FRAME_SIZE, WireErrorCode as ErrorCode } from '../wire/wire-format.js';
import type { WireBet, WireMessage } from '../wire/wire-messages.js';
import { decodeStream, FrameParser } from '../wire/wire-parser.js';
import { encodeFrame } from '../wire/wire-serializer.js';
import type { ContainerHandle } from '../run/container-handle.js';
import type { Probe, ProbeContext } from './probes.js';
import {
  adversaryDocument,
  betsWithOneBad,
  decodeAnswer,
  firstHalf,
  framingVerdict,
  helloAndBatch,
  helloAndDone,
  HTTP_GET,
  oversizedHeader,
  retyped,
  seededBytes,
} from './raw-payloads.js';
import { ADVERSARY_AGENCY, Adversaries, describeExchange, type RawResult } from './raw-probe.js';
import { floodCommand, parseFloodOutput, parseSendOutput, RawOutputError, sendCommand } from './raw-scripts.js';

function messagesOf(bytes: Buffer): WireMessage[] {
  const { messages, error, pendingBytes } = decodeStream(bytes);
  if (error || pendingBytes > 0) throw error ?? new Error(`${pendingBytes} bytes of an unfinished frame`);
  return [...messages];
}

const fieldsOf = (b: WireBet): string[] => [b.firstName, b.lastName, b.document, b.birthdate, b.number];
const encodeHello = (m: { agency: number }): Buffer => encodeFrame({ type: 'hello', ...m });
const encodeStatus = (m: { agency: number; stored: number; drawDone: boolean }): Buffer => encodeFrame({ type: 'status', ...m });
const encodeWinnersQuery = (m: { agency: number }): Buffer => encodeFrame({ type: 'winners_query', ...m });
const encodeError = (m: { code: number; message: string }): Buffer => encodeFrame({ type: 'error', ...m });
const encodeBatchResult = (m: { code: number; firstIndex: number; count: number; detail: string }): Buffer =>
  encodeFrame({ type: 'batch_result', code: m.code, firstPosition: m.firstIndex, count: m.count, detail: m.detail });

/** What the send script prints for `answer` (base64 wrapped at 76, as busybox does), among noise. */
function sendOutput(answer: Buffer, ncExit = 0): string {
  const b64 = answer.toString('base64').match(/.{1,76}/g) ?? [];
  return [
    'raw-probe: ip 172.18.0.9 172.17.0.3 ',
    'raw-probe: sending 7 bytes',
    'sh: some shell notice',
    `raw-probe: nc-exit ${ncExit}`,
    'raw-probe: uptime 100.25 100.37',
    ...b64.map((l) => `raw-probe: answer ${l}`),
    'raw-probe: stderr nc: bad thing',
    'raw-probe: end',
  ].join('\n');
}

describe('adversary payloads', () => {
  it('seeded random bytes: same seed, same bytes; another seed, others', () => {
    expect(seededBytes(6, 4096)).toEqual(seededBytes(6, 4096));
    expect(seededBytes(6, 4096)).not.toEqual(seededBytes(7, 4096));
    expect(seededBytes(6, 4097)).toHaveLength(4097);
  });

  it('the README says what a server answers to each payload (read with the harness wire parser)', () => {
    expect(framingVerdict(seededBytes(6, 4096))?.name).toBe('UNKNOWN_MESSAGE');
    expect(framingVerdict(oversizedHeader())?.name).toBe('FRAME_TOO_LARGE');
    expect(framingVerdict(HTTP_GET)?.name).toBe('FRAME_TOO_LARGE');
    expect(framingVerdict(retyped(encodeWinnersQuery({ agency: 1 }), 0x5a))?.name).toBe('UNKNOWN_MESSAGE');
    const batch = helloAndBatch(99, 99, betsWithOneBad(0, 5, -1, undefined));
    expect(framingVerdict(batch)).toBeUndefined();
    expect(framingVerdict(firstHalf(batch))?.name).toBe('MALFORMED_MESSAGE');
  });

  it('an oversized header declares one byte more than a frame may hold, by default', () => {
    const h = oversizedHeader();
    expect(h.readUInt16BE(1) + 3).toBe(MAX_FRAME_SIZE + 1);
    expect(h).toHaveLength(3 + 64);
  });

  it('a batch with one bad bet: well framed, every bet valid but the spoiled one', () => {
    for (const bad of ['bad-date', 'number-out-of-range', 'empty-name'] as const) {
      const [hello, batch] = messagesOf(helloAndBatch(99, 99, betsWithOneBad(10, 5, 2, bad)));
      expect(hello).toEqual({ type: 'hello', agency: 99 });
      if (batch?.type !== 'batch') throw new Error('no batch');
      expect(batch).toMatchObject({ agency: 99, firstPosition: 0 });
      const verdicts = batch.bets.map((b) => betProblem(fieldsOf(b)));
      expect(verdicts.map((v) => v !== undefined), bad).toEqual([false, false, true, false, false]);
    }
  });

  it('hello and done: two valid frames for the same agency', () => {
    const payload = helloAndDone(3);
    expect(framingVerdict(payload)).toBeUndefined();
    expect(messagesOf(payload)).toEqual([{ type: 'hello', agency: 3 }, { type: 'done', agency: 3 }]);
  });

  it('adversary documents are 10 digits: never one of a dataset (8 digits)', () => {
    expect(adversaryDocument(1)).toMatch(/^\d{10}$/);
    expect(betsWithOneBad(400, 5, -1, undefined).map((b) => b.document)).toEqual(
      [400, 401, 402, 403, 404].map(adversaryDocument),
    );
  });
});

describe('answers', () => {
  it('decodes status, batch_result and error frames with the harness wire parser', () => {
    const bytes = Buffer.concat([
      encodeStatus({ agency: 99, stored: 0, drawDone: false }),
      encodeBatchResult({ code: ErrorCode.INVALID_BET, firstIndex: 0, count: 5, detail: 'bad' }),
      encodeError({ code: ErrorCode.AGENCY_MISMATCH, message: 'no' }),
    ]);
    const a = decodeAnswer(bytes);
    expect(a.messages.map((m) => m.type)).toEqual(['status', 'batch_result', 'error']);
    expect(a.errorName).toBe('AGENCY_MISMATCH');
    expect(a.trailingBytes).toBe(0);
    expect(a.problem).toBeUndefined();
  });

  it('reports a torn answer and an undecodable one', () => {
    const error = encodeError({ code: ErrorCode.FRAME_TOO_LARGE, message: 'big' });
    expect(decodeAnswer(error.subarray(0, 5))).toMatchObject({ messages: [], trailingBytes: 5, error: undefined });
    expect(decodeAnswer(Buffer.alloc(0))).toMatchObject({ messages: [], trailingBytes: 0, problem: undefined });
    expect(decodeAnswer(Buffer.from('GET / HTTP/1.1')).problem).toMatch(/larger than/);
    expect(new FrameParser().pendingBytes).toBe(0);
  });
});

describe('scripts and their output', () => {
  it('passes the payload base64-encoded as an argument, and the target as the next ones', () => {
    const payload = seededBytes(1, 300);
    const { entrypoint, command } = sendCommand(payload, { host: 'server', port: 12345, timeoutSeconds: 10, holdSeconds: 1 });
    expect(entrypoint).toEqual(['/bin/sh']);
    expect(command[0]).toBe('-c');
    expect(Buffer.from(command[3] as string, 'base64')).toEqual(payload);
    expect(command.slice(4)).toEqual(['server', '12345', '10', '1']);
  });

  it('reads the answer back from wrapped base64 lines, ignoring other lines', () => {
    const answer = Buffer.concat([encodeStatus({ agency: 99, stored: 0, drawDone: false }), encodeError({ code: 3, message: 'x'.repeat(200) })]);
    const out = parseSendOutput(sendOutput(answer));
    expect(out).toMatchObject({ ips: ['172.18.0.9', '172.17.0.3'], bytesSent: 7, ncExit: 0, exchangeMs: 120, stderr: ['nc: bad thing'] });
    expect(out.answer).toEqual(answer);
  });

  it('refuses the output of a script that did not finish', () => {
    expect(() => parseSendOutput('raw-probe: ip 1.2.3.4\n')).toThrow(RawOutputError);
    expect(() => parseFloodOutput('raw-probe: ip 1.2.3.4\nraw-probe: established 3\n')).toThrow(RawOutputError);
  });

  it('the flood: its arguments and its report', () => {
    expect(floodCommand({ host: 'server', port: 12345, connections: 300, holdSeconds: 8 }).command.slice(3)).toEqual(['300', 'server', '12345', '8']);
    const report = ['raw-probe: ip 10.0.0.2', 'raw-probe: established 300', 'raw-probe: releasing 299', 'raw-probe: closed 300', 'raw-probe: answer-bytes 0', 'raw-probe: end'].join('\n');
    expect(parseFloodOutput(report)).toEqual({ ips: ['10.0.0.2'], established: 300, stillEstablished: 299, closed: 300, answerBytes: 0 });
  });
});

describe('Adversaries', () => {
  /** A context whose one container "printed" `output`; records the command it was given. */
  function fakeContext(output: string): { ctx: ProbeContext; commands: (readonly string[])[] } {
    const commands: (readonly string[])[] = [];
    const handle = { service: 'adversary-1', waitForExit: async () => 0, logText: () => output, remove: async () => {} };
    const ctx: ProbeContext = {
      netcatTesterImage: 'tp0-netcat-tester:latest',
      freshName: (prefix) => `${prefix}-1`,
      startContainer: async (_service, _image, options) => {
        commands.push(options.command ?? []);
        return handle as unknown as ContainerHandle;
      },
    };
    return { ctx, commands };
  }

  /** What a probe sent, decoded: [type, agency] of each message. */
  async function sentBy(probe: Probe<RawResult>): Promise<[string, number | undefined][]> {
    const { ctx, commands } = fakeContext(sendOutput(Buffer.alloc(0)));
    await probe.run(ctx);
    return messagesOf(Buffer.from(commands[0]?.[3] as string, 'base64')).map((m) => [m.type, 'agency' in m ? m.agency : undefined]);
  }

  it('invalidBatch sends hello as the target agency and a batch, lists its documents and decodes the answer', async () => {
    const answer = Buffer.concat([
      encodeStatus({ agency: 3, stored: 0, drawDone: false }),
      encodeBatchResult({ code: ErrorCode.AGENCY_MISMATCH, firstIndex: 0, count: 5, detail: 'no' }),
    ]);
    const { ctx, commands } = fakeContext(sendOutput(answer));
    const r = await Adversaries.invalidBatch('agency-mismatch', { agency: 3 }).run(ctx);
    const sent = messagesOf(Buffer.from(commands[0]?.[3] as string, 'base64'));
    expect(sent.map((m) => [m.type, 'agency' in m ? m.agency : undefined])).toEqual([['hello', 3], ['batch', 1]]);
    expect(r.documents).toHaveLength(5);
    expect(r.decoded.messages.map((m) => m.type)).toEqual(['status', 'batch_result']);
    expect(r.closedByServer).toBe(true);
    expect(r.service).toBe('adversary-1');
  });

  it('the agency an adversary speaks as: ADVERSARY_AGENCY (99) unless the target names one', async () => {
    expect(ADVERSARY_AGENCY).toBe(99);
    expect(await sentBy(Adversaries.invalidBatch('bad-date'))).toEqual([['hello', 99], ['batch', 99]]);
    expect(await sentBy(Adversaries.invalidBatch('empty-name', { agency: 3 }))).toEqual([['hello', 3], ['batch', 3]]);
    // A mismatch claims agency 1 (2 when speaking as 1), or the agency asked for.
    expect(await sentBy(Adversaries.invalidBatch('agency-mismatch'))).toEqual([['hello', 99], ['batch', 1]]);
    expect(await sentBy(Adversaries.invalidBatch('agency-mismatch', { agency: 1 }))).toEqual([['hello', 1], ['batch', 2]]);
    expect(await sentBy(Adversaries.invalidBatch('agency-mismatch', { agency: 3 }, 2))).toEqual([['hello', 3], ['batch', 2]]);
    expect(await sentBy(Adversaries.hello())).toEqual([['hello', 99]]);
    expect(await sentBy(Adversaries.hello(undefined, { agency: 3 }))).toEqual([['hello', 3]]);
    expect(await sentBy(Adversaries.hello(2, { agency: 3 }))).toEqual([['hello', 2]]);
    const { ctx, commands } = fakeContext(sendOutput(Buffer.alloc(0)));
    await Adversaries.unknownType(0x5a, { agency: 3 }).run(ctx);
    await Adversaries.halfFrame(1, { agency: 3 }).run(ctx);
    const [unknown, half] = commands.map((c) => Buffer.from(c[3] as string, 'base64'));
    expect(unknown).toEqual(retyped(encodeHello({ agency: 3 }), 0x5a));
    const hello = encodeHello({ agency: 3 });
    expect(half?.subarray(0, hello.length)).toEqual(hello);
    expect(half?.readUInt32BE(hello.length + 3)).toBe(3); // the half batch's agency
  });

  it('unknownAgency: hello as an agency outside the lottery, then a valid batch of 5 bets for it', async () => {
    const refused = encodeError({ code: ErrorCode.UNKNOWN_AGENCY, message: "agency 99 is not one of this lottery's agencies (1 … 3)" });
    const { ctx, commands } = fakeContext(sendOutput(refused));
    const r = await Adversaries.unknownAgency().run(ctx);
    const payload = Buffer.from(commands[0]?.[3] as string, 'base64');
    expect(framingVerdict(payload)).toBeUndefined();
    const [hello, batch] = messagesOf(payload);
    expect(hello).toEqual({ type: 'hello', agency: 99 });
    if (batch?.type !== 'batch') throw new Error('no batch');
    expect(batch).toMatchObject({ agency: 99, firstPosition: 0 });
    expect(batch.bets.map((b) => betProblem(fieldsOf(b)))).toEqual(Array(5).fill(undefined));
    expect(r.documents).toEqual([600, 601, 602, 603, 604].map(adversaryDocument));
    expect(r.decoded.errorName).toBe('UNKNOWN_AGENCY');
    expect(await sentBy(Adversaries.unknownAgency(7))).toEqual([['hello', 7], ['batch', 7]]);
  });

  it("done: hello and done for the target's agency, no bets", async () => {
    const { ctx, commands } = fakeContext(sendOutput(encodeStatus({ agency: 3, stored: 0, drawDone: false })));
    const r = await Adversaries.done({ agency: 3 }).run(ctx);
    expect(Buffer.from(commands[0]?.[3] as string, 'base64')).toEqual(helloAndDone(3));
    expect(r.documents).toEqual([]);
    expect(r.decoded.messages).toEqual([{ type: 'status', agency: 3, stored: 0, drawDone: false }]);
    expect(r.description).toBe('hello as agency 3, then its done');
  });

  it('describeExchange: one line about what was sent and what came back', async () => {
    const answer = Buffer.concat([encodeStatus({ agency: 3, stored: 0, drawDone: false }), encodeError({ code: ErrorCode.AGENCY_MISMATCH, message: 'no' })]);
    const { ctx } = fakeContext(sendOutput(answer));
    const line = describeExchange(await Adversaries.foreignWinners(1, 3).run(ctx));
    expect(line).toMatch(/^from 172\.18\.0\.9\/172\.17\.0\.3 sent {5}7 B → status error\(5\); closed by server: true; exchange 120 ms, container \d+ ms$/);
  });

  it('a connection that timed out is not one the server closed', async () => {
    const { ctx } = fakeContext(sendOutput(Buffer.alloc(0), 143));
    const r = await Adversaries.halfFrame().run(ctx);
    expect(r.closedByServer).toBe(false);
    expect(r.decoded.messages).toEqual([]);
  });

  it('foreignWinners asks, as one agency, for the winners of another', async () => {
    const { ctx, commands } = fakeContext(sendOutput(Buffer.alloc(0)));
    await Adversaries.foreignWinners(1).run(ctx);
    expect(messagesOf(Buffer.from(commands[0]?.[3] as string, 'base64'))).toEqual([
      { type: 'hello', agency: 99 },
      { type: 'winners_query', agency: 1 },
    ]);
    expect(await sentBy(Adversaries.foreignWinners(1, 3))).toEqual([['hello', 3], ['winners_query', 1]]);
    expect(await sentBy(Adversaries.foreignWinners(2, undefined, { agency: 3 }))).toEqual([['hello', 3], ['winners_query', 2]]);
  });
});
