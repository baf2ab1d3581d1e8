/**
 * Headless Chromium for the report's rendering test: find the binary, dump a page's DOM after
 * its scripts ran, take a screenshot. Every run gets a fresh profile directory (removed after),
 * no proxy and a resolver that resolves nothing, so a page cannot reach the network; a run that
 * outlives its timeout is killed with its whole process group.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export class ChromiumNotFoundError extends Error {
  override readonly name = 'ChromiumNotFoundError';
}

export class ChromiumFailedError extends Error {
  override readonly name = 'ChromiumFailedError';
}

export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `CHROMIUM` when set (it must exist), else the first of CHROMIUM_NAMES on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CHROMIUM;
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new ChromiumNotFoundError(`CHROMIUM=${explicit} is not an executable file`);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of CHROMIUM_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (executable(path)) return path;
    }
  }
  throw new ChromiumNotFoundError(
    `no Chromium found: set CHROMIUM to its path or put one of ${CHROMIUM_NAMES.join(', ')} on PATH (Debian: apt-get install -y --no-install-recommends chromium)`,
  );
}

export interface ChromiumOptions {
  /** Kill Chromium (its whole process group) after this long; default 30 s. */
  readonly timeoutMs?: number;
  readonly binary?: string;
}

/** Flags for every run: headless, no sandbox or GPU, and no way out to the network. */
export function baseFlags(userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    `--user-data-dir=${userDataDir}`,
    '--no-proxy-server',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-sync',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    '--metrics-recording-only',
    '--mute-audio',
    '--hide-scrollbars',
  ];
}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[], options: ChromiumOptions): Promise<RunResult> {
  const binary = options.binary ?? findChromium();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = mkdtempSync(join(tmpdir(), 'tp0-chromium-'));
  try {
    return await new Promise<RunResult>((done, fail) => {
      // Its own process group, so that a timeout kills the renderer and zygote children too.
      const child = spawn(binary, [...baseFlags(profile), ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        fail(new ChromiumFailedError(`could not start ${binary}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        const tail = stderr.trim().split('\n').slice(-8).join('\n');
        if (timedOut) fail(new ChromiumFailedError(`${binary} killed after ${timeoutMs} ms\n${tail}`));
        else if (code !== 0) fail(new ChromiumFailedError(`${binary} exited with ${code ?? signal}\n${tail}`));
        else done({ stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM of `htmlFile` after its scripts ran (Chromium's --dump-dom), as HTML text. */
export async function dumpDom(htmlFile: string, options: ChromiumOptions = {}): Promise<string> {
  const { stdout } = await run(['--dump-dom', pathToFileURL(resolve(htmlFile)).href], options);
  if (!stdout.trim()) throw new ChromiumFailedError(`chromium dumped an empty DOM for ${htmlFile}`);
  return stdout;
}

/** A `width`×`height` PNG of `htmlFile`'s viewport, written to `pngFile`. */
export async function screenshot(htmlFile: string, pngFile: string, width: number, height: number, options: ChromiumOptions = {}): Promise<void> {
  await run([`--window-size=${width},${height}`, `--screenshot=${resolve(pngFile)}`, pathToFileURL(resolve(htmlFile)).href], options);
  if (!nonEmptyFile(pngFile)) throw new ChromiumFailedError(`chromium wrote no screenshot at ${pngFile}`);
}

function nonEmptyFile(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
