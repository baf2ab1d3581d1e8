import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ComposeCli } from '../compose/compose-cli.js';
import { ComposeLogFollower, FollowerEndedError } from './compose-log-follower.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ComposeLogFollower', () => {
  it('a compose command that cannot be started ends the follower with the reason, instead of an unhandled error', async () => {
    const missing: ComposeCli = { version: 'v2', label: 'no such compose', file: '/nonexistent/tp0-compose', prefix: [] };
    const follower = ComposeLogFollower.start(missing, 'docker-compose-dev.yaml', tmpdir());
    const error = await follower.waitForEvents({ action: 'servidor_escuchando' }, 1, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FollowerEndedError);
    expect((error as Error).message).toMatch(/could not start \/nonexistent\/tp0-compose: .*ENOENT/);
    await follower.close();
  });

  it('reads a command that prints course lines, ESC[2K and all, then ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp0-follower-'));
    dirs.push(dir);
    const script = join(dir, 'fake-compose.sh');
    writeFileSync(script, `#!/bin/sh\nprintf '\\033[2Kserver  | 2026-01-01T00:00:00.000Z INFO action: servidor_escuchando | result: success | port: 1\\n'\n`, { mode: 0o755 });
    const follower = ComposeLogFollower.start({ version: 'v2', label: 'fake', file: script, prefix: [] }, 'x.yaml', dir);
    const [seen] = await follower.waitForEvents({ source: 'server', action: 'servidor_escuchando', result: 'success' });
    expect(seen?.parsed.details).toEqual({ port: '1' });
    await follower.close();
  });
});
