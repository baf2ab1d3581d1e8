/**
 * Hand-written situations for the real server on the simulated platform: a server machine and
 * peers that speak the protocol frame by frame (the system's own serializer, over the real
 * SocketTransport on the simulated network), each a program the test writes as a script.
 */
import type { BetFields } from '../../system/domain/bet.js';
import type { Message, MessageOf } from '../../system/protocol/messages.js';
import { batchOf } from '../../system/protocol/bet-text.js';
import { encodeBatch } from '../../system/protocol/serializer.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../system/server/config.js';
import { SocketTransport } from '../../system/transport/socket-transport.js';
import type { ProcessContext, SimProcess } from '../process/sim-process.js';
import { SimWorld } from '../process/sim-world.js';
import { contractBreach } from '../lottery/log-contract.js';
import { serverProgram } from '../lottery/programs.js';

export const PORT = 12345;
export const BETS_FILE = '/output/bets.csv';

/** A valid bet; every tenth one wins. */
export function bet(agency: number, i: number): BetFields {
  return { firstName: i % 3 === 0 ? 'José María' : 'Ana', lastName: i % 4 === 0 ? 'Pérez, Jr.' : 'Núñez', document: String(10_000_000 * agency + i), birthdate: '1990-01-02', number: String(i % 10 === 0 ? 7574 : i) };
}

export function bets(agency: number, from: number, n: number): BetFields[] {
  return Array.from({ length: n }, (_, k) => bet(agency, from + k));
}

/** The batch frame of bets from … from + n - 1 of `agency`. */
export function batchFrame(agency: number, from: number, n: number, list: readonly BetFields[] = bets(agency, from, n)): Buffer {
  return encodeBatch(batchOf(agency, from, list));
}

/** One connection of a peer, read message by message. */
export class PeerConnection {
  private readonly inbox: AsyncIterator<Message>;

  private constructor(readonly transport: SocketTransport) {
    this.inbox = transport.messages()[Symbol.asyncIterator]();
  }

  /** Connects, trying again every 5 ms while the server is not listening yet (up to a second). */
  static async open(ctx: ProcessContext): Promise<PeerConnection> {
    const { network, clock } = ctx.platform;
    for (let attempt = 1; ; attempt++) {
      try {
        return new PeerConnection(await SocketTransport.connect(network, clock, 'server', PORT));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || attempt >= 200) throw err;
        await clock.sleep(5);
      }
    }
  }

  send(...frames: Buffer[]): Promise<void> {
    return this.transport.send(frames);
  }

  /** The next message, or `end` once the server closed cleanly, or the error that ended the stream. */
  async next(): Promise<Message | 'end' | Error> {
    try {
      const n = await this.inbox.next();
      return n.done ? 'end' : n.value;
    } catch (err) {
      return err as Error;
    }
  }

  async expect<T extends Message['type']>(type: T): Promise<MessageOf<T>> {
    const m = await this.next();
    if (typeof m === 'string' || m instanceof Error || m.type !== type) throw new Error(`expected "${type}", got ${describe(m)}`);
    return m as MessageOf<T>;
  }

  end(): Promise<void> {
    return this.transport.end(100);
  }
}

export function describe(m: Message | 'end' | Error): string {
  if (m === 'end') return 'the end of the stream';
  if (m instanceof Error) return `${m.name}: ${m.message}`;
  return JSON.stringify(m, (_k, v: unknown) => (v instanceof Int32Array ? undefined : v));
}

export interface ScenarioOptions {
  readonly seed?: number;
  readonly server?: Partial<ServerConfig>;
  /** Disk latency of the server's machine, per operation. */
  readonly diskLatencyMs?: readonly [number, number];
  /** Files on the server's disk before it starts. */
  readonly files?: Readonly<Record<string, string>>;
}

export class Scenario {
  readonly world: SimWorld;
  readonly config: ServerConfig;
  private peers = 0;
  private readonly running = new Set<string>();
  private readonly failures: unknown[] = [];

  constructor(options: ScenarioOptions = {}) {
    this.world = new SimWorld({ seed: options.seed ?? 1 });
    this.config = { ...DEFAULT_SERVER_CONFIG, ip: '0.0.0.0', port: PORT, agencies: 2, betsFile: BETS_FILE, ...options.server };
    const m = this.world.machine('server', options.diskLatencyMs ? { latencyMs: options.diskLatencyMs } : {});
    m.volume.provisionDir('/output');
    for (const [path, content] of Object.entries(options.files ?? {})) m.volume.provision(path, content);
  }

  get volume() {
    return this.world.machine('server').volume;
  }

  startServer(): SimProcess {
    return this.world.start('server', serverProgram(this.config, { lingered: () => {} }));
  }

  /** Every line of every server life. */
  serverLines(): string[] {
    return this.world.machine('server').history.flatMap((p) => p.output);
  }

  linesOf(action: string, result?: string): string[] {
    return this.serverLines().filter((l) => l.includes(`action: ${action} | result: ${result ?? ''}`));
  }

  /** A peer on its own machine running `script`, from `startAtMs`; runPeers() waits for it and rethrows its failure. */
  peer(script: (ctx: ProcessContext) => Promise<void>, startAtMs = 1): string {
    const name = `peer${++this.peers}`;
    this.running.add(name);
    this.world.sim.at(startAtMs, 'start', () => {
      const proc = this.world.start(name, async (ctx) => {
        try {
          await script(ctx);
        } catch (err) {
          this.failures.push(err);
        } finally {
          this.running.delete(name);
        }
      });
      // A peer the test kills or crashes is done too.
      void proc.exited.then(() => this.running.delete(name));
    });
    return name;
  }

  /** Runs until every peer's script ended (or `also` holds); throws the first peer failure. */
  async runPeers(deadlineMs = 600_000): Promise<void> {
    await this.world.run({ until: () => this.running.size === 0, deadlineMs });
    if (this.failures.length > 0) throw this.failures[0];
    if (this.running.size > 0) throw new Error(`${[...this.running].join(', ')} still running at the deadline (${deadlineMs} ms)`);
    const breaches = this.serverLines().map((l) => contractBreach('server', l)).filter((b) => b !== undefined);
    if (breaches.length > 0) throw new Error(`the server's log breaks its contract:\n${breaches.join('\n')}`);
  }

  /** Runs until `until` holds (checked between events) or nothing is left to run. */
  async run(until?: () => boolean, deadlineMs = 600_000): Promise<void> {
    await this.world.run({ ...(until ? { until } : {}), deadlineMs });
  }
}
