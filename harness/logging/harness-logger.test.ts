import { closeSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Timeline } from '../run/timeline.js';
import { readableLine, silentLogger, stderrLogger } from './harness-logger.js';

function capture(format: 'text' | 'json', use: (log: ReturnType<typeof stderrLogger>) => void): string[] {
  const path = join(tmpdir(), `tp0-harness-log-${process.pid}-${format}.log`);
  const fd = openSync(path, 'w');
  use(stderrLogger(format, 'info', fd));
  closeSync(fd);
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

describe('the harness logger', () => {
  it('is silent by default', () => {
    expect(silentLogger.isLevelEnabled('fatal')).toBe(false);
  });

  it('logs the timeline\'s faults, heals, exits and notes, never the system\'s own lines', () => {
    const lines = capture('json', (log) => {
      const t = new Timeline(log.child({ run: 'r1' }));
      t.addLine('server', 'action: servidor_escuchando | result: success');
      t.add({ at: 0, source: 'harness', kind: 'fault', text: 'SIGKILL → server', event: undefined, faultId: 1, targets: ['server'] });
      t.add({ at: 0, source: 'server', kind: 'exit', text: 'server exited with code 137', event: undefined, exitCode: 137 });
      t.add({ at: 0, source: 'harness', kind: 'heal', text: 'started again → server', event: undefined, faultId: 1, targets: ['server'] });
    });
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.kind, r.msg, r.run, r.level])).toEqual([
      ['fault', 'SIGKILL → server', 'r1', 30],
      ['exit', 'server exited with code 137', 'r1', 30],
      ['heal', 'started again → server', 'r1', 30],
    ]);
    expect(records[1]).toMatchObject({ source: 'server', exitCode: 137 });
  });

  it('writes readable lines in text format', () => {
    const lines = capture('text', (log) => log.info({ service: 'server', ms: 812 }, 'container started'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO container started \| service: server \| ms: 812$/);
    expect(readableLine('{"level":40,"time":0,"msg":"x","failure":"net y"}')).toBe('00:00:00.000 WARN x | failure: net y');
  });
});
