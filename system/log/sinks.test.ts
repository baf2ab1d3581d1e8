import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/test-server.js';
import { FdSink } from './sinks.js';

let dir: ReturnType<typeof tempDir>;
let fd: number;
let path: string;
beforeEach(() => {
  dir = tempDir('tp0-sink-');
  path = join(dir.path, 'out.log');
  fd = openSync(path, 'w');
});
afterEach(() => {
  closeSync(fd);
  dir.remove();
});

const written = (): string => readFileSync(path, 'utf8');

describe('FdSink', () => {
  it('writes a line at INFO or above before the call returns, after the DEBUG lines waiting before it', () => {
    const sink = new FdSink(fd);
    sink.write('debug 1', false);
    sink.write('debug 2', false);
    expect(written()).toBe('');
    sink.write('info', true);
    expect(written()).toBe('debug 1\ndebug 2\ninfo\n');
  });

  it('writes waiting DEBUG lines at the end of the event-loop turn, in one write', async () => {
    const sink = new FdSink(fd);
    sink.write('a', false);
    sink.write('b', false);
    await new Promise((r) => setImmediate(r));
    expect(written()).toBe('a\nb\n');
  });

  it('writes DEBUG lines at once past 16 KiB waiting', () => {
    const sink = new FdSink(fd);
    const line = 'x'.repeat(99);
    for (let i = 0; i < 170; i++) sink.write(line, false);
    expect(written().length).toBeGreaterThanOrEqual(16 * 1024);
    sink.flush();
    expect(written()).toBe(`${line}\n`.repeat(170));
  });

  it('flush() writes what waits, synchronously (what runs at exit)', () => {
    const sink = new FdSink(fd);
    sink.write('last words', false);
    sink.flush();
    expect(written()).toBe('last words\n');
    sink.flush();
    expect(written()).toBe('last words\n');
  });
});
