/**
 * A synthetic workload that uses every model at once, for the determinism tests and the
 * throughput figure (it stands in for the real server and clients until phase 2 wires them):
 *
 * - `server`: listens; decodes frames with the real FrameDecoder; appends each echo's payload to
 *   an O_DSYNC journal and answers once it is durable; on SIGTERM closes and exits.
 * - `client1..N`: connect with jittered backoff, send `messages` echo frames a few ms apart,
 *   each answer awaited with a timeout (a silent server means reconnect), then exit.
 * - A fault schedule drawn from the seed: server crash + restart, a client partition (stall or
 *   cut), a pause, a reset; each healed. At the end the server gets SIGTERM.
 */
import type { ByteStream } from '../../system/platform/network.js';
import type { Platform } from '../../system/platform/platform.js';
import { FrameDecoder } from '../../system/protocol/frame-decoder.js';
import { decodeMessage } from '../../system/protocol/message-decoder.js';
import { encodeEcho } from '../../system/protocol/serializer.js';
import type { RunOutcome } from '../kernel/simulation.js';
import type { ProcessContext } from '../process/sim-process.js';
import { SimWorld } from '../process/sim-world.js';

export interface WorkloadOptions {
  readonly seed: number;
  readonly clients?: number;
  readonly messages?: number;
  readonly faults?: boolean;
  readonly keepTrace?: boolean;
}

export interface WorkloadResult {
  readonly outcome: RunOutcome;
  readonly world: SimWorld;
  /** Echoes each client got back. */
  readonly echoed: number[];
  readonly journalBytes: number;
}

const PORT = 9000;
const JOURNAL = '/data/journal';

async function serve(ctx: ProcessContext): Promise<void> {
  const { network, disk } = ctx.platform;
  const journal = await disk.open(JOURNAL, { access: 'write', append: true, create: true, dsync: true });
  await disk.syncDirectory('/data');
  const sockets = new Set<ByteStream>();
  const listener = await network.listen({ host: '0.0.0.0', port: PORT, backlog: 64, allowHalfOpen: true }, (s) => {
    sockets.add(s);
    const decoder = new FrameDecoder();
    let replies = Promise.resolve();
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.on('end', () => s.end());
    s.on('data', (chunk) => {
      for (const frame of decoder.push(chunk)) {
        const m = decodeMessage(frame);
        if (m.type !== 'echo') continue;
        replies = replies.then(async () => {
          await journal.writev([m.data]);
          if (!s.destroyed) s.write(encodeEcho({ data: m.data }));
        }).catch(() => {});
      }
    });
  });
  ctx.stdout.write(`listening on ${listener.address.port}`);
  ctx.onSignal('SIGTERM', () => {
    ctx.stdout.write('SIGTERM: closing');
    for (const s of sockets) s.end();
    void listener.close().then(() => journal.close());
  });
}

/** One echo, answered within `timeoutMs`, or the connection is dropped and the promise rejects. */
function echo(p: Platform, s: ByteStream, decoder: FrameDecoder, payload: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      p.clock.clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const timer = p.clock.setTimeout(() => {
      s.destroy();
      settle(new Error('timeout'));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) if (decodeMessage(f).type === 'echo') return settle();
    };
    const onClose = () => settle(new Error('closed'));
    s.on('data', onData);
    s.on('close', onClose);
    s.write(encodeEcho({ data: payload }));
  });
}

function client(id: number, messages: number, echoed: number[]) {
  return async ({ platform: p, stdout }: ProcessContext): Promise<number> => {
    let sent = 0;
    for (let attempt = 1; sent < messages && attempt < 200; attempt++) {
      let s: ByteStream;
      try {
        s = await p.network.connect('server', PORT);
      } catch (err) {
        await p.clock.sleep(50 + p.random.next() * 100);
        continue;
      }
      s.on('error', () => {});
      const decoder = new FrameDecoder();
      try {
        while (sent < messages) {
          await echo(p, s, decoder, Buffer.from(`client ${id} message ${sent}\n`), 1_000);
          sent++;
          echoed[id - 1] = sent;
          await p.clock.sleep(1 + p.random.next() * 5);
        }
        s.end();
      } catch (err) {
        stdout.write(`reconnect after ${(err as Error).message} at ${sent}`);
        s.destroy();
        await p.clock.sleep(20 + p.random.next() * 80);
      }
    }
    stdout.write(`done: ${sent} echoes`);
    return sent === messages ? 0 : 1;
  };
}

/** Runs the workload for `seed`; the whole run is a function of the options. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const clients = options.clients ?? 5;
  const messages = options.messages ?? 100;
  const world = new SimWorld({ seed: options.seed, trace: { keep: options.keepTrace ?? false } });
  const server = world.machine('server', { latencyMs: [0.05, 0.5] });
  server.volume.provisionDir('/data');
  world.start('server', serve);
  const echoed = new Array<number>(clients).fill(0);
  const names = Array.from({ length: clients }, (_, i) => `client${i + 1}`);
  names.forEach((name, i) => world.start(name, client(i + 1, messages, echoed)));
  if (options.faults ?? true) scheduleFaults(world, names);
  const done = () => names.every((n) => !world.running(n));
  let outcome = await world.run({ until: done, deadlineMs: 600_000 });
  world.signal('server', 'SIGTERM');
  outcome = await world.run({ until: () => !world.running('server'), deadlineMs: outcome.now + 10_000 });
  return { outcome, world, echoed, journalBytes: server.volume.read(JOURNAL)?.length ?? 0 };
}

function scheduleFaults(world: SimWorld, clients: readonly string[]): void {
  const rng = world.sim.rng.derive('faults');
  const sim = world.sim;
  const crashAt = rng.between(50, 400);
  sim.at(crashAt, 'fault', () => world.crash('server'));
  sim.at(crashAt + rng.between(50, 300), 'fault', () => world.start('server', serve));
  const victim = rng.pick(clients);
  const partitionAt = rng.between(50, 600);
  sim.at(partitionAt, 'fault', () => world.network.partition(victim, 'server', rng.chance(0.5) ? 'stall' : 'cut'));
  sim.at(partitionAt + rng.between(100, 1500), 'fault', () => world.network.heal());
  const paused = rng.pick(clients);
  const pauseAt = rng.between(50, 600);
  sim.at(pauseAt, 'fault', () => world.pause(paused));
  sim.at(pauseAt + rng.between(100, 800), 'fault', () => world.resume(paused));
  sim.at(rng.between(50, 600), 'fault', () => world.network.reset(rng.pick(clients), 'server'));
}
