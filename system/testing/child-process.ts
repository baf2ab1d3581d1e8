/** Test support: the real server or client as a child process (through tsx), with its log lines. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class ChildRun {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private listeners: (() => void)[] = [];
  private partial = '';

  constructor(readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => this.onText(chunk));
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => this.onText(chunk));
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * `entry` is "server" or "client"; runs system/<entry>/main.ts (through tsx) or, with
   * `bundled`, dist/<entry>.js, with only the given environment (and PATH).
   */
  static start(entry: 'server' | 'client', env: Record<string, string>, bundled = false): ChildRun {
    const args = bundled ? [`dist/${entry}.js`] : ['--import', 'tsx', `system/${entry}/main.ts`];
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildRun(proc);
  }

  private onText(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    for (const l of this.listeners.splice(0)) l();
  }

  count(pattern: RegExp): number {
    return this.lines.filter((l) => pattern.test(l)).length;
  }

  /** Resolves once `n` lines match; rejects on timeout or if the process exits first. */
  async waitFor(pattern: RegExp, n = 1, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
      for (const l of this.listeners.splice(0)) l();
    });
    for (;;) {
      const hits = this.lines.filter((l) => pattern.test(l));
      if (hits.length >= n) return hits[n - 1] as string;
      if (exited) throw new Error(`process exited before ${n} lines matched ${pattern}:\n${this.lines.slice(-20).join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} lines matching ${pattern}:\n${this.lines.slice(-20).join('\n')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.listeners.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }
}

/** Starts the server as a child and returns it with the port it listens on. */
export async function startServerProcess(env: Record<string, string>, bundled = false): Promise<{ run: ChildRun; port: number }> {
  const run = ChildRun.start('server', { SERVER_IP: '127.0.0.1', SERVER_PORT: '0', ...env }, bundled);
  const line = await run.waitFor(/action: servidor_escuchando \| result: success/);
  const port = Number(/port: (\d+)/.exec(line)?.[1]);
  return { run, port };
}
