/**
 * A cross-process lock on a file path (O_EXCL create), so that two processes ensuring
 * images at once (vitest's global setup and a harness run, say) do not build the same
 * tag twice or read dist/ while the other rewrites it. A lock whose holder process is
 * gone is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class FileLockError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileLockError';
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function holderPid(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function tryAcquire(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new FileLockError(`cannot create lock file ${path}`, { cause: error });
  }
}

export interface FileLockOptions {
  /** Give up after this long (default 10 minutes: a cold build of every image). */
  readonly timeoutMs?: number;
  /** Called once when the lock is held by another process and we start waiting. */
  readonly onWait?: (holder: number | undefined) => void;
}

/** Runs fn while holding the lock at `path`. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  await mkdir(dirname(path), { recursive: true });
  let told = false;
  for (;;) {
    if (await tryAcquire(path)) break;
    const holder = await holderPid(path);
    if (holder !== undefined && !processAlive(holder)) {
      await unlink(path).catch(() => undefined); // stale: its holder died
      continue;
    }
    if (!told) {
      options.onWait?.(holder);
      told = true;
    }
    if (Date.now() > deadline) throw new FileLockError(`lock ${path} still held by pid ${holder ?? '?'}; gave up`);
    await sleep(100);
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
