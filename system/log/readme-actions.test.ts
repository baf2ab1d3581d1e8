/**
 * The README's table of log actions is the list of what the system can log: this test reads
 * the table and the server's and the client's sources (every logging call with a literal
 * action, and the client's retries, whose action is an argument) and compares both ways,
 * with who logs each action, so the doc cannot drift.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SYSTEM = join(ROOT, 'system');
/** Not the server's or the client's code: benchmarks, test children, tests. */
const LEFT_OUT = new Set(['bench', 'testing', 'integration']);
const LOG_CALL = /\.(?:debug|info|progress|warn|error)\(\s*'([a-z_]+)'/g;
const RETRY_CALL = /retryOrFail\(\w+, '([a-z_]+)'/g;

/** Who runs a source file: system/server → server, system/client → client, system/log → both. */
function programsOf(path: string): string[] {
  const top = relative(SYSTEM, path).split('/')[0];
  if (top === 'server' || top === 'client') return [top];
  if (top === 'log') return ['server', 'client'];
  throw new Error(`${relative(ROOT, path)} logs, but is neither the server's nor the client's code`);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return LEFT_OUT.has(e.name) ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** action → who logs it, from the code (comment lines left out). */
function actionsInCode(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const path of sources(SYSTEM)) {
    const code = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n');
    for (const pattern of [LOG_CALL, RETRY_CALL]) {
      for (const m of code.matchAll(pattern)) {
        const who = found.get(m[1] as string) ?? new Set<string>();
        for (const p of programsOf(path)) who.add(p);
        found.set(m[1] as string, who);
      }
    }
  }
  return found;
}

/** action → who logs it, from the README's table (`| action | logged by | when |`). */
function actionsInReadme(): Map<string, Set<string>> {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const header = lines.indexOf('| action | logged by | when |');
  if (header < 0) throw new Error('README.md has no "| action | logged by | when |" table');
  const table = new Map<string, Set<string>>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [action = '', who = ''] = line.split(' | ').map((cell) => cell.replace(/^\| /, '').trim());
    const name = /^`([a-z_]+)`$/.exec(action)?.[1];
    if (name === undefined) throw new Error(`not an action row: ${line}`);
    if (table.has(name)) throw new Error(`${name} twice in the table`);
    table.set(name, new Set(who.split(', ')));
  }
  return table;
}

const asRows = (m: Map<string, Set<string>>): [string, string[]][] => [...m].map(([a, who]) => [a, [...who].sort()] as [string, string[]]).sort(([a], [b]) => a.localeCompare(b));

describe("the README's table of log actions", () => {
  it('lists every action the server and the client can log, each once, with who logs it, and nothing else', () => {
    const code = actionsInCode();
    expect(code.size).toBeGreaterThan(30);
    expect(asRows(actionsInReadme())).toEqual(asRows(code));
  });
});
