/**
 * The batch window on the wire, seen from an in-process transport that answers every batch at
 * once: never more than `batch.window` batches unanswered; with no pause, a full window is
 * refilled half a window at a time, in one write; with a pause, one batch per write.
 */
import { describe, expect, it } from 'vitest';
import { Logger, MemorySink } from '../log/logger.js';
import { nodePlatform } from '../platform/node-platform.js';
import { betText } from '../protocol/bet-text.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeMessage } from '../protocol/message-decoder.js';
import type { Message } from '../protocol/messages.js';
import type { Transport } from '../transport/transport.js';
import { makeBet } from '../testing/test-client.js';
import { AgencyClient } from './agency-client.js';
import type { BetSource } from './bet-source.js';
import { type ClientConfig, DEFAULT_CLIENT_CONFIG } from './config.js';
import { packTexts } from './packed-bets.js';

/** A transport whose peer answers at once; it notes the batches of each write and the most ever unanswered. */
class AnsweringTransport implements Transport {
  readonly peer = 'test:1';
  readonly closed = false;
  readonly writes: number[] = [];
  mostUnanswered = 0;
  private unanswered = 0;
  private readonly queue: Message[] = [];
  private wake: (() => void) | undefined;

  async *messages(): AsyncIterable<Message> {
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) yield m;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  send(frames: Buffer | readonly Buffer[]): Promise<void> {
    const decoder = new FrameDecoder();
    const messages = (Buffer.isBuffer(frames) ? [frames] : frames).flatMap((f) => decoder.push(f)).map(decodeMessage);
    const batches = messages.filter((m) => m.type === 'batch');
    if (batches.length > 0) this.writes.push(batches.length);
    this.unanswered += batches.length;
    this.mostUnanswered = Math.max(this.mostUnanswered, this.unanswered);
    // Answered on a later turn: the client sees each write's callback first, as on a socket.
    setImmediate(() => {
      for (const m of messages) this.answer(m);
      this.wake?.();
    });
    return Promise.resolve();
  }

  private answer(m: Message): void {
    if (m.type === 'hello') this.queue.push({ type: 'status', agency: m.agency, stored: 0, drawDone: false });
    if (m.type === 'batch') {
      this.unanswered--;
      this.queue.push({ type: 'batch_result', code: 0, firstIndex: m.firstIndex, count: m.count, detail: '' });
    }
    if (m.type === 'winners_query') this.queue.push({ type: 'winners', agency: m.agency, last: true, documents: [] });
  }

  end(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {}
}

async function run(overrides: Partial<ClientConfig>, bets: number): Promise<AnsweringTransport> {
  const transport = new AnsweringTransport();
  const config: ClientConfig = { ...DEFAULT_CLIENT_CONFIG, batchMaxAmount: 10, ...overrides };
  const texts = Array.from({ length: bets }, (_, i) => betText(makeBet(1, i)));
  const source: BetSource = {
    single: false,
    description: 'test bets',
    async *read() {
      // In pieces, as a file comes: a batch may span two of them.
      for (let i = 0; i < texts.length; i += 370) yield { bets: packTexts(texts.slice(i, i + 370)), invalid: [] };
    },
  };
  const log = new Logger('INFO', new MemorySink());
  const outcome = await new AgencyClient(config, source, async () => transport, log, new AbortController().signal, nodePlatform).run();
  expect(outcome).toMatchObject({ kind: 'finished', bets });
  return transport;
}

describe('AgencyClient batch window', () => {
  it('fills the window in one write, then refills it half a window at a time, never more than the window unanswered', async () => {
    const t = await run({ batchWindow: 16 }, 1000);
    expect(t.mostUnanswered).toBe(16);
    expect(t.writes.reduce((a, b) => a + b, 0)).toBe(100);
    expect(t.writes[0]).toBe(16);
    // Whole refills of 8; a piece of the file that ends mid-refill sends what it has.
    expect(t.writes.filter((n) => n === 8).length).toBeGreaterThan(5);
    expect(Math.max(...t.writes)).toBe(16);
  });

  it('a window of one sends one batch per write', async () => {
    const t = await run({ batchWindow: 1 }, 95);
    expect(t.mostUnanswered).toBe(1);
    expect(t.writes).toEqual(Array(10).fill(1));
  });

  it('with a pause between batches, sends one batch per write', async () => {
    const t = await run({ batchWindow: 4, batchPeriodMs: 1 }, 200);
    expect(t.writes).toEqual(Array(20).fill(1));
    expect(t.mostUnanswered).toBeLessThanOrEqual(4);
  });
});
