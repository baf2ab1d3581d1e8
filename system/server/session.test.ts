import { describe, expect, it } from 'vitest';
import { Logger } from '../log/logger.js';
import { MemorySink } from '../log/sinks.js';
import { nodeClock } from '../platform/node-clock.js';
import { batchOf } from '../protocol/bet-text.js';
import type { Message } from '../protocol/messages.js';
import type { Transport } from '../transport/transport.js';
import type { Lottery } from './lottery.js';
import { Session } from './session.js';

const BET = { firstName: 'Ana', lastName: 'Paz', document: '30904465', birthdate: '1999-03-17', number: '7574' };

/** A transport that yields `batches` one-bet batches of agency 1 after its hello, counting what the session read; sends settle only when told. */
class ScriptedTransport implements Transport {
  readonly peer = '10.0.0.2:4000';
  readonly closed = false;
  read = 0;
  readonly sends: { frames: number; settle: () => void }[] = [];
  constructor(private readonly batches: number) {}
  async *messages(): AsyncIterable<Message> {
    yield { type: 'hello', agency: 1 };
    for (let i = 0; i < this.batches; i++) {
      this.read++;
      yield batchOf(1, i, [BET]);
    }
    await new Promise(() => {}); // the peer stays connected
  }
  send(frames: Buffer | readonly Buffer[]): Promise<void> {
    return new Promise((resolve) => this.sends.push({ frames: Buffer.isBuffer(frames) ? 1 : frames.length, settle: resolve }));
  }
  async end(): Promise<void> {}
  destroy(): void {}
}

/** Accepts every batch; each is durable at once. */
const lottery = {
  expectedAgencies: 5,
  drawDone: false,
  storedCount: () => 0,
  accept: (_agency: number, _first: number, bets: { count: number }) => ({ kind: 'accepted', fresh: bets.count, bets: () => [], stored: Promise.resolve() }),
} as unknown as Lottery;

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('Session answers', () => {
  it('answers batches without waiting for each answer to be written, up to maxInFlight unwritten', async () => {
    const transport = new ScriptedTransport(100);
    const session = new Session(transport, lottery, new Logger('INFO', new MemorySink()), { clock: nodeClock, idleTimeoutMs: 60_000, maxInFlight: 8 });
    void session.run();
    await turns(5);
    // The status answer to hello is written first (its send is awaited).
    expect(transport.sends).toHaveLength(1);
    transport.sends.shift()?.settle();
    await turns(20);
    // Then 8 batch answers are handed over while none of them was written; then it waits.
    expect(transport.sends).toHaveLength(8);
    expect(transport.read).toBeLessThanOrEqual(8 + 8 + 1);
    // The peer's socket takes them: reading and answering go on.
    for (const s of transport.sends.splice(0)) s.settle();
    await turns(20);
    expect(transport.sends.length).toBeGreaterThan(0);
    expect(transport.read).toBeGreaterThan(9);
    session.destroy('test over');
  });
});
