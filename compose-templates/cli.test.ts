/** generar-compose.sh as a person (or the course) runs it, also before the configs exist. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const GENERATOR = fileURLToPath(new URL('./generar-compose.sh', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp0-generator-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function generate(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) =>
    execFile(GENERATOR, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } }, (err, _out, stderr) =>
      resolve({ code: err === null ? 0 : Number(err.code), stderr }),
    ),
  );
}

describe('generar-compose.sh', () => {
  it('writes the file when the config files do not exist yet, and warns about each', async () => {
    const r = await generate({ TP0_SERVER_CONFIG: 'server/config.ini', TP0_CLIENT_CONFIG: 'client/config.yaml', TP0_CLIENT_MODE: 'echo' }, 'dc.yaml', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: TP0_SERVER_CONFIG ${join(dir, 'server/config.ini')} does not exist yet`);
    expect(r.stderr).toContain(`warning: TP0_CLIENT_CONFIG ${join(dir, 'client/config.yaml')} does not exist yet`);
    const doc = parse(readFileSync(join(dir, 'dc.yaml'), 'utf8')) as { services: Record<string, { environment: Record<string, string>; volumes: string[] }> };
    expect(doc.services.client2?.environment).toMatchObject({ CLI_ID: '2', CLI_MODE: 'echo', DOCUMENTO: '30904465' });
    expect(doc.services.client2?.volumes).toEqual([`${join(dir, 'client/config.yaml')}:/config/config.yaml:ro`, '${TP0_DATA_DIR:-./.data}:/data:ro']);
  });

  it('refuses a directory where a config file should be, saying what to do', async () => {
    mkdirSync(join(dir, 'server.ini'));
    const r = await generate({ TP0_SERVER_CONFIG: 'server.ini' }, 'dc.yaml', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/server\.ini is not a file but a directory .*remove it and write the file/);
  });

  it('takes another sample bet from NOMBRE … NUMERO, and refuses an unknown client mode', async () => {
    const ok = await generate({ NOMBRE: 'Ana', NUMERO: '42' }, 'dc.yaml', '1');
    expect(ok.code, ok.stderr).toBe(0);
    expect((parse(readFileSync(join(dir, 'dc.yaml'), 'utf8')) as { services: Record<string, { environment: Record<string, string> }> }).services.client1?.environment).toMatchObject({ NOMBRE: 'Ana', APELLIDO: 'Lorca', NUMERO: '42' });
    const bad = await generate({ TP0_CLIENT_MODE: 'ping' }, 'dc.yaml', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("TP0_CLIENT_MODE must be lottery or echo, got 'ping'");
  });
});
