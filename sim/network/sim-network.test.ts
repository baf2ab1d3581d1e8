import { describe, expect, it } from 'vitest';
import type { ByteStream } from '../../system/platform/network.js';
import { FrameDecoder } from '../../system/protocol/frame-decoder.js';
import { encodeEcho } from '../../system/protocol/serializer.js';
import type { ProcessContext } from '../process/sim-process.js';
import { SimWorld } from '../process/sim-world.js';

const PORT = 7000;

interface Served {
  /** Server-side streams, as accepted. */
  readonly accepted: ByteStream[];
}

/** A world with a `server` that hands each connection to `onConnection`, listening from `atMs`. */
function world(seed: number, onConnection: (s: ByteStream, ctx: ProcessContext) => void, options: { atMs?: number; latencyMs?: number; jitterMs?: number; windowBytes?: number } = {}) {
  const w = new SimWorld({ seed, network: { latencyMs: options.latencyMs ?? 0.2, jitterMs: options.jitterMs ?? 0.3, ...(options.windowBytes ? { windowBytes: options.windowBytes } : {}) } });
  const served: Served = { accepted: [] };
  const server = async (ctx: ProcessContext) => {
    await ctx.platform.clock.sleep(options.atMs ?? 0);
    const listener = await ctx.platform.network.listen({ host: '0.0.0.0', port: PORT, backlog: 16, allowHalfOpen: true }, (s) => {
      served.accepted.push(s);
      onConnection(s, ctx);
    });
    ctx.onSignal('SIGTERM', () => void listener.close());
  };
  w.machine('server');
  w.machine('client');
  w.start('server', server);
  return { w, served };
}

function collect(stream: ByteStream): { chunks: Buffer[]; events: string[] } {
  const out = { chunks: [] as Buffer[], events: [] as string[] };
  stream.on('data', (c) => out.chunks.push(c));
  stream.on('end', () => out.events.push('end'));
  stream.on('error', (e) => out.events.push(`error ${(e as NodeJS.ErrnoException).code}`));
  stream.on('close', () => out.events.push('close'));
  return out;
}

describe('the simulated network', () => {
  it('delivers every byte in order whatever the chunking: the real FrameDecoder gets every frame', async () => {
    const sizes = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const frames = Array.from({ length: 300 }, (_, i) => encodeEcho({ data: Buffer.alloc((i * 37) % 700, i & 0xff) }));
      const decoded: number[] = [];
      const { w } = world(seed, (s) => {
        const decoder = new FrameDecoder();
        s.on('data', (chunk) => {
          sizes.add(chunk.length < 16 ? 'tiny' : chunk.length > 1400 ? 'several frames' : 'other');
          for (const f of decoder.push(chunk)) decoded.push(f.payload.length);
        });
      });
      w.start('client', async ({ platform }) => {
        const s = await platform.network.connect('server', PORT);
        for (const f of frames) s.write(f);
        s.end();
      });
      await w.run({ until: () => decoded.length === frames.length, deadlineMs: 10_000 });
      expect(decoded).toEqual(frames.map((f) => f.length - 3));
    }
    expect(sizes).toEqual(new Set(['tiny', 'several frames', 'other']));
  });

  it('takes latency plus jitter per segment', async () => {
    const arrivals: number[] = [];
    const { w } = world(3, (s) => s.on('data', () => arrivals.push(w.sim.now)), { latencyMs: 5, jitterMs: 5 });
    const sentAt: number[] = [];
    w.start('client', async ({ platform }) => {
      const s = await platform.network.connect('server', PORT);
      for (let i = 0; i < 20; i++) {
        sentAt.push(w.sim.now);
        s.write(Buffer.from('x'));
        await platform.clock.sleep(50);
      }
      s.destroy();
    });
    await w.run({ deadlineMs: 5_000 });
    const delays = arrivals.map((t, i) => t - (sentAt[i] as number));
    for (const d of delays) expect(d >= 5 && d < 10).toBe(true);
    expect(new Set(delays.map((d) => Math.round(d))).size).toBeGreaterThan(1);
  });

  it('a stall holds the bytes and then the writer (window full); after the heal all of it arrives, in order', async () => {
    let received = Buffer.alloc(0);
    const { w } = world(4, (s) => s.on('data', (c) => (received = Buffer.concat([received, c]))), { windowBytes: 64 * 1024 });
    const callbacks: number[] = [];
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    w.start('client', async ({ platform }) => {
      const s = await platform.network.connect('server', PORT);
      w.network.partition('client', 'server', 'stall');
      for (let i = 0; i < 10; i++) s.write(payload.subarray(i * 20_000, (i + 1) * 20_000), () => callbacks.push(i));
    });
    await w.run({ deadlineMs: 1_000 });
    expect(received.length).toBe(0);
    expect(callbacks).toEqual([0, 1, 2]); // 64 KiB taken, the rest waits
    w.sim.schedule(0, 'heal', () => w.network.heal());
    await w.run({ deadlineMs: 2_000 });
    expect(received.equals(payload)).toBe(true);
    expect(callbacks).toEqual([...Array(10).keys()]);
  });

  it('a cut resets a connection at its next segment and refuses new connects', async () => {
    const { w, served } = world(5, () => {});
    let client: ReturnType<typeof collect> | undefined;
    let refused: string | undefined;
    w.start('client', async ({ platform }) => {
      const s = await platform.network.connect('server', PORT);
      client = collect(s);
      w.network.partition('client', 'server', 'cut');
      s.write(Buffer.from('lost'));
      await platform.network.connect('server', PORT).catch((e: NodeJS.ErrnoException) => (refused = e.code));
    });
    await w.run({ deadlineMs: 1_000 });
    expect(client?.events).toEqual(['error ECONNRESET', 'close']);
    expect(refused).toBe('ECONNREFUSED');
    expect(served.accepted).toHaveLength(1);
    expect(served.accepted[0]?.destroyed).toBe(false); // the server never heard a thing
  });

  it('reset(a, b) resets both ends at once', async () => {
    let server: ReturnType<typeof collect> | undefined;
    const { w } = world(6, (s) => (server = collect(s)));
    let client: ReturnType<typeof collect> | undefined;
    w.start('client', async ({ platform }) => {
      client = collect(await platform.network.connect('server', PORT));
    });
    await w.run({ deadlineMs: 100 });
    expect(w.network.reset('client', 'server')).toBe(1);
    await w.run({ deadlineMs: 200 });
    expect(client?.events).toEqual(['error ECONNRESET', 'close']);
    expect(server?.events).toEqual(['error ECONNRESET', 'close']);
  });

  it('a listener not there yet refuses, then accepts once it listens', async () => {
    const { w, served } = world(7, () => {}, { atMs: 500 });
    const tries: string[] = [];
    w.start('client', async ({ platform }) => {
      for (;;) {
        try {
          const s = await platform.network.connect('server', PORT);
          tries.push(`connected@${Math.floor(w.sim.now / 100) * 100}`);
          s.destroy();
          return;
        } catch (err) {
          tries.push((err as NodeJS.ErrnoException).code ?? '?');
          await platform.clock.sleep(200);
        }
      }
    });
    await w.run({ deadlineMs: 2_000 });
    expect(tries).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'connected@600']);
    expect(served.accepted).toHaveLength(1);
  });

  it('a killed peer closes its sockets (FIN); a crashed one is silent, and resets once its host is back', async () => {
    for (const fault of ['kill', 'crash'] as const) {
      const { w } = world(8, () => {});
      let client: ReturnType<typeof collect> | undefined;
      w.start('client', async ({ platform }) => {
        const s = await platform.network.connect('server', PORT);
        client = collect(s);
        await platform.clock.sleep(1_500);
        if (!s.destroyed) s.write(Buffer.from('still there?'));
      });
      w.sim.at(100, 'fault', () => (fault === 'kill' ? w.kill('server') : w.crash('server')));
      await w.run({ deadlineMs: 1_000 });
      expect(client?.events).toEqual(fault === 'kill' ? ['end', 'close'] : []);
      w.sim.at(2_000, 'restart', () => w.start('server', () => {}));
      await w.run({ deadlineMs: 1_900 });
      expect(client?.events).toEqual(fault === 'kill' ? ['end', 'close'] : []);
      await w.run({ deadlineMs: 3_000 });
      expect(client?.events).toEqual(fault === 'kill' ? ['end', 'close'] : ['error ECONNRESET', 'close']);
    }
  });

  it('a paused process reads nothing, yet its host still completes connects', async () => {
    let got = '';
    const { w } = world(9, (s) => s.on('data', (c) => (got += c.toString())));
    let connectedAt = -1;
    w.sim.at(10, 'fault', () => w.pause('server'));
    w.sim.at(500, 'fault', () => w.resume('server'));
    w.start('client', async ({ platform }) => {
      await platform.clock.sleep(20);
      const s = await platform.network.connect('server', PORT);
      connectedAt = w.sim.now;
      s.write(Buffer.from('hi'));
    });
    await w.run({ deadlineMs: 400 });
    expect(connectedAt).toBeGreaterThan(20);
    expect(connectedAt).toBeLessThan(25);
    expect(got).toBe('');
    await w.run({ deadlineMs: 1_000 });
    expect(got).toBe('hi');
  });
});
