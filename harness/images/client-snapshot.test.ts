/**
 * The client image starts from a V8 startup snapshot it builds itself (docker/client.Dockerfile):
 * its RUN step and its CMD must name the same V8 flags (a snapshot loads only into a node run
 * with the flags it was built with), and the program started from the snapshot must behave as
 * `node client.js` does. Here the Dockerfile's own two commands run on this host, /app being a
 * folder of freshly built bundles.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../testing/bundle-run.js';

const run = promisify(execFile);
const DOCKERFILE = readFileSync(new URL('../../docker/client.Dockerfile', import.meta.url), 'utf8');

/** The JSON array of the Dockerfile's one `KEYWORD [...]` line. */
function execForm(keyword: 'RUN' | 'CMD'): string[] {
  const lines = DOCKERFILE.split('\n').filter((l) => l.startsWith(`${keyword} [`));
  if (lines.length !== 1) throw new Error(`expected one ${keyword} line in exec form, found ${lines.length}`);
  return JSON.parse((lines[0] as string).slice(keyword.length + 1)) as string[];
}

/** node's own flags in an exec-form command, besides the snapshot's (paths do not start with `--`). */
const v8Flags = (argv: readonly string[]) => argv.filter((a) => a.startsWith('--') && a !== '--snapshot-blob' && a !== '--build-snapshot');

let dir = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-client-snapshot-'));
  await buildBundles(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an argv of the Dockerfile on this host, /app being `dir`; resolves its exit code and output. */
async function runHere(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const [cmd, ...args] = argv.map((a) => a.replace(/^\/app\//, `${dir}/`));
  try {
    const { stdout } = await run(cmd === 'node' ? process.execPath : (cmd as string), args, { env: { ...process.env, ...env } });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

/** Log lines without their timestamps. */
const untimed = (out: string) => out.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));

describe('the client image snapshot', () => {
  it('is built and started with the same V8 flags', () => {
    const build = execForm('RUN');
    const cmd = execForm('CMD');
    expect(build).toContain('--build-snapshot');
    expect(cmd).toContain('--snapshot-blob');
    expect(v8Flags(cmd)).toEqual(v8Flags(build));
  });

  it('starts the client as `node client.js` does: same lines, same exit code', async () => {
    expect((await runHere(execForm('RUN'))).code).toBe(0);
    const env = { CLI_CONFIG: join(dir, 'no-such-config.yaml') };
    const fromSnapshot = await runHere(execForm('CMD'), env);
    const asScript = await runHere(['node', ...v8Flags(execForm('CMD')), join(dir, 'client.js')], env);
    expect(fromSnapshot.code).toBe(2);
    expect(untimed(fromSnapshot.out)).toEqual(untimed(asScript.out));
    expect(fromSnapshot.out).toContain('cannot read config file');
    // The environment is read when the process starts, not when the snapshot was built.
    const other = await runHere(execForm('CMD'), { CLI_CONFIG: join(dir, 'another.yaml') });
    expect(other.out).toContain('another.yaml');
  }, 60_000);
});
