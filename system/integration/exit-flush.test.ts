/**
 * Nothing is lost at exit: the built bundles (dist/server.js, dist/client.js) as child
 * processes over loopback, in both formats, their stdout read slowly (nothing read at first,
 * then a chunk every 20 ms), so that the pipe is full while they log and while they stop. The
 * last line must be there, and so must every DEBUG line (one per bet).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeAgencyFile } from '../testing/test-client.js';
import { tempDir } from '../testing/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BETS = 20_000;

interface Finished {
  readonly code: number | null;
  readonly lines: string[];
}

/** Reads everything, slowly: nothing until `begin` (default: a second), then one chunk every `pauseMs`. */
async function readSlowly(stream: Readable, begin: Promise<unknown> = sleep(1000), pauseMs = 20): Promise<string> {
  // A listener, so that Node does not drain the pipe itself when the child exits first.
  stream.on('readable', () => {});
  await begin;
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    await sleep(pauseMs);
  }
  return text;
}

function start(args: readonly string[], env: Record<string, string>, beginReading?: Promise<unknown>): { proc: ChildProcess; output: Promise<string> } {
  const proc = spawn(process.execPath, [...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  proc.stdout?.setEncoding('utf8');
  return { proc, output: readSlowly(proc.stdout as Readable, beginReading) };
}

/** Resolves once `file` has grown and then stopped growing for `quietMs`: its writer is stuck. */
async function stalled(file: string, quietMs = 300, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let size = 0;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = existsSync(file) ? statSync(file).size : 0;
    if (now !== size) {
      size = now;
      since = Date.now();
    } else if (size > 0 && Date.now() - since >= quietMs) return;
    await sleep(25);
  }
  throw new Error(`${file} did not stall within ${timeoutMs} ms`);
}

async function finish(run: { proc: ChildProcess; output: Promise<string> }): Promise<Finished> {
  const exited = new Promise<number | null>((resolve) => run.proc.once('exit', (code) => resolve(code)));
  const [code, text] = await Promise.all([exited, run.output]);
  return { code, lines: text.split('\n').filter((l) => l !== '') };
}

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The action and result of a line of either format. */
function actionOf(line: string, format: 'text' | 'json'): string {
  if (format === 'json') {
    const r = JSON.parse(line) as { action: string; result: string };
    return `${r.action} ${r.result}`;
  }
  return /action: (\S+) \| result: (\S+)/.exec(line)?.slice(1).join(' ') ?? line;
}

function timeOf(line: string, format: 'text' | 'json'): number {
  return format === 'json' ? (JSON.parse(line) as { time: number }).time : Date.parse(line.slice(0, line.indexOf(' ')));
}

const count = (lines: readonly string[], format: 'text' | 'json', what: string): number => lines.filter((l) => actionOf(l, format) === what).length;

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
});
beforeEach(() => {
  dir = tempDir('tp0-exit-');
});
afterEach(() => dir.remove());

describe.each(['text', 'json'] as const)('every line reaches stdout before the process ends (%s)', (format) => {
  const LOG_FORMAT = format;

  it('a server stopped with SIGTERM while its stdout pipe is full: the last line, and one DEBUG line per stored bet', async () => {
    const file = join(dir.path, 'agency-1.csv');
    writeAgencyFile(file, 1, BETS);
    const port = await freePort();
    const betsFile = join(dir.path, 'bets.csv');
    let beginReading = (): void => {};
    const reading = new Promise<void>((resolve) => (beginReading = resolve));
    const server = start(['dist/server.js'], { LOG_FORMAT, SERVER_IP: '127.0.0.1', SERVER_PORT: String(port), SERVER_AGENCIES: '1', SERVER_BETS_FILE: betsFile, LOGGING_LEVEL: 'DEBUG' }, reading);
    const client = spawn(process.execPath, ['dist/client.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', CLI_ID: '1', CLI_SERVER_ADDRESS: `127.0.0.1:${port}`, CLI_DATA_FILE: file, CLI_LOOP_PERIOD: '50ms', CLI_LOOP_AMOUNT: '100' },
      stdio: 'ignore',
    });
    try {
      // Nobody reads the server's stdout: once its pipe is full it stops storing mid-run. SIGTERM
      // then, and start reading (slowly) 300 ms later.
      await stalled(betsFile);
      const sigtermAt = Date.now();
      server.proc.kill('SIGTERM');
      setTimeout(beginReading, 300);
      const out = await finish(server);
      expect(out.code).toBe(0);
      // The pipe was full: the server took the signal only once the reading began, 300 ms later.
      const stopping = out.lines.find((l) => actionOf(l, format) === 'shutdown in_progress') as string;
      expect(timeOf(stopping, format) - sigtermAt).toBeGreaterThan(200);
      expect(actionOf(out.lines.at(-1) as string, format)).toBe('shutdown success');
      const stored = readFileSync(betsFile, 'utf8').split('\n').length - 1;
      expect(stored).toBeGreaterThan(0);
      expect(count(out.lines, format, 'apuesta_almacenada success')).toBe(stored);
      if (format === 'text') expect((out.lines.at(-1) as string).replace(/^\S+/, '<t>').replace(/\d+$/, '<mib>')).toBe('<t> INFO action: shutdown | result: success | signal: SIGTERM | peak_rss_mib: <mib>');
    } finally {
      client.kill('SIGKILL');
    }
  });

  it('a client that fails (an unusable row) after logging a DEBUG line per bet: every line, the failure last, exit 1', async () => {
    const file = join(dir.path, 'agency-1.csv');
    writeAgencyFile(file, 1, BETS);
    appendFileSync(file, 'Ana,Sin Fecha,30904465,ayer,7574\r\n');
    const port = await freePort();
    const server = spawn(process.execPath, ['dist/server.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', SERVER_IP: '127.0.0.1', SERVER_PORT: String(port), SERVER_AGENCIES: '1', SERVER_BETS_FILE: join(dir.path, 'bets.csv') },
      stdio: 'ignore',
    });
    try {
      const client = start(['dist/client.js'], { LOG_FORMAT, CLI_ID: '1', CLI_SERVER_ADDRESS: `127.0.0.1:${port}`, CLI_DATA_FILE: file, CLI_LOOP_PERIOD: '50ms', CLI_LOOP_AMOUNT: '100', CLI_LOG_LEVEL: 'DEBUG' });
      const out = await finish(client);
      expect(out.code).toBe(1);
      expect(count(out.lines, format, 'apuesta_enviada success')).toBe(BETS);
      expect(actionOf(out.lines.at(-1) as string, format)).toBe('leer_apuestas fail');
      if (format === 'text') {
        expect((out.lines.at(-1) as string).replace(/^\S+/, '<t>').split(dir.path).join('<dir>')).toBe(
          `<t> ERROR action: leer_apuestas | result: fail | source: file <dir>/agency-1.csv | filas_invalidas: 1 | apuestas: ${BETS}`,
        );
      }
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('a client that cannot reach its server: the retries, then its failure last, exit 1', async () => {
    const port = await freePort();
    const file = join(dir.path, 'agency-3.csv');
    writeAgencyFile(file, 3, 10);
    const client = start(['dist/client.js'], { LOG_FORMAT, CLI_ID: '3', CLI_SERVER_ADDRESS: `127.0.0.1:${port}`, CLI_DATA_FILE: file, CLI_LOOP_PERIOD: '10ms', CLI_LOOP_AMOUNT: '3' });
    const out = await finish(client);
    expect(out.code).toBe(1);
    expect(count(out.lines, format, 'connect in_progress')).toBe(2);
    expect(actionOf(out.lines.at(-1) as string, format)).toBe('client_finished fail');
    if (format === 'text') {
      expect((out.lines.at(-1) as string).replace(/^\S+/, '<t>').replace(/\\x3a\d+/g, '\\x3a<port>')).toBe(
        '<t> ERROR action: client_finished | result: fail | agencia: 3 | error: gave up after 3 attempts\\x3a connect ECONNREFUSED 127.0.0.1\\x3a<port>',
      );
    }
  });

  it('an uncaught error: the DEBUG lines of that same turn, then `crash`, exit 1', async () => {
    const child = start(['--import', 'tsx', 'system/testing/crash-child.ts'], { LOG_FORMAT, CRASH_LINES: '5000' });
    const out = await finish(child);
    expect(out.code).toBe(1);
    expect(count(out.lines, format, 'apuesta_almacenada success')).toBe(5000);
    expect(actionOf(out.lines.at(-1) as string, format)).toBe('crash fail');
    if (format === 'text') expect((out.lines.at(-1) as string).replace(/^\S+/, '<t>')).toBe('<t> ERROR action: crash | result: fail | error: boom\\x3a a bug nobody caught');
  });
});
