/**
 * Benchmark support: the real server and agency clients as child processes (ChildRun), each log
 * line stamped with the moment this process read it (performance.now()), and every child tracked
 * so that an error or a signal never leaves one behind.
 */
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildRun } from '../testing/child-process.js';

export interface TimedLine {
  readonly at: number;
  readonly line: string;
}

export type Exit = Awaited<ChildRun['exited']>;

export class TimedChild {
  readonly lines: TimedLine[] = [];
  private partial = '';

  constructor(
    readonly name: string,
    readonly run: ChildRun,
    /** performance.now() just before the spawn. */
    readonly spawnedAt: number,
  ) {
    // ChildRun set the encoding already; this listener sees the same chunks, in the same order.
    run.proc.stdout?.on('data', (chunk: string) => {
      const at = performance.now();
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.lines.push({ at, line });
    });
  }

  get alive(): boolean {
    return this.run.proc.exitCode === null && this.run.proc.signalCode === null;
  }

  /** The first line matching `pattern` read after `after`. */
  first(pattern: RegExp, after = -Infinity): TimedLine | undefined {
    return this.lines.find((l) => l.at > after && pattern.test(l.line));
  }

  /** Its exit, or an error naming it (with its last lines) after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const tail = this.lines.slice(-10).map((l) => l.line).join('\n');
        reject(new Error(`${this.name} still running after ${timeoutMs} ms; its last lines:\n${tail}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.run.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface ClientSettings {
  /** CLI_RETRY_PERIOD: the cap of the client's connection backoff. */
  readonly retryPeriod: string;
  /** CLI_RETRY_ATTEMPTS: attempts before the client gives up. */
  readonly retryAttempts: number;
}

/** Starts children (bundled dist/*.js or system/*.ts through tsx) and ends whatever is left. */
export class ProcessPool {
  private readonly children = new Set<TimedChild>();
  private readonly serverConfig: string;
  private readonly clientConfig: string;

  constructor(
    private readonly bundled: boolean,
    dir: string,
  ) {
    // Empty config files: a config.ini / config.yaml in the repository root cannot leak in.
    this.serverConfig = join(dir, 'server-config.ini');
    this.clientConfig = join(dir, 'client-config.yaml');
    writeFileSync(this.serverConfig, '');
    writeFileSync(this.clientConfig, '');
  }

  /** The server on 127.0.0.1:`port` (0: any free port) for `agencies` agencies. */
  server(port: number, agencies: number, betsFile: string): TimedChild {
    return this.start('server', 'server', {
      SERVER_CONFIG: this.serverConfig,
      SERVER_IP: '127.0.0.1',
      SERVER_PORT: String(port),
      SERVER_AGENCIES: String(agencies),
      SERVER_BETS_FILE: betsFile,
      LOGGING_LEVEL: 'INFO',
    });
  }

  client(port: number, agency: number, dataFile: string, settings: ClientSettings): TimedChild {
    return this.start('client', `client ${agency}`, {
      CLI_CONFIG: this.clientConfig,
      CLI_ID: String(agency),
      CLI_SERVER_ADDRESS: `127.0.0.1:${port}`,
      CLI_DATA_FILE: dataFile,
      CLI_RETRY_PERIOD: settings.retryPeriod,
      CLI_RETRY_ATTEMPTS: String(settings.retryAttempts),
      CLI_LOG_LEVEL: 'INFO',
    });
  }

  private start(entry: 'server' | 'client', name: string, env: Record<string, string>): TimedChild {
    const spawnedAt = performance.now();
    const child = new TimedChild(name, ChildRun.start(entry, env, this.bundled), spawnedAt);
    this.children.add(child);
    void child.run.exited.then(() => this.children.delete(child));
    return child;
  }

  /** SIGKILL to every child still running (synchronous: usable from a signal handler). */
  killAllNow(): void {
    for (const c of this.children) if (c.alive) c.run.kill('SIGKILL');
  }

  async killAll(): Promise<void> {
    const left = [...this.children];
    this.killAllNow();
    await Promise.all(left.map((c) => c.run.exited));
  }
}

/** A port that was free on 127.0.0.1 a moment ago (for a client that must retry before the server exists). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
