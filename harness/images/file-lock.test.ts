import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLockError, withFileLock } from './file-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-lock-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('runs holders one at a time', async () => {
    const lock = join(dir, 'a.lock');
    const events: string[] = [];
    const job = (name: string) => async (): Promise<void> => {
      events.push(`${name} in`);
      await sleep(50);
      events.push(`${name} out`);
    };
    await Promise.all([withFileLock(lock, job('one')), withFileLock(lock, job('two'))]);
    // Either may go first; what matters is that they never overlap.
    expect([['one in', 'one out', 'two in', 'two out'], ['two in', 'two out', 'one in', 'one out']]).toContainEqual(events);
  });

  it('takes over a lock whose holder is dead, and releases on error', async () => {
    const lock = join(dir, 'b.lock');
    writeFileSync(lock, '2147483646\n'); // no such process
    await expect(withFileLock(lock, async () => 'ok')).resolves.toBe('ok');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withFileLock(lock, async () => 'again')).resolves.toBe('again');
  });

  it('gives up after its timeout while a live process holds the lock', async () => {
    const lock = join(dir, 'c.lock');
    writeFileSync(lock, `${process.pid}\n`);
    await expect(withFileLock(lock, async () => 'never', { timeoutMs: 200 })).rejects.toThrow(FileLockError);
  });
});
