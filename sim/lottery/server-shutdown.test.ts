/**
 * The real server on the simulated platform, in the situations a sweep found: SIGTERM while the
 * draw runs (seed 2320, shrunk to "disk open EIO @87+88; restart server @185+1") made the
 * graceful shutdown close storage under the draw, which failed (`sorteo | result: fail`, EBADF).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from '../../system/server/config.js';
import { SimWorld } from '../process/sim-world.js';
import { serverProgram } from './programs.js';

const ROWS = Array.from({ length: 400 }, (_, i) => `${1 + (i % 2)},Ana,Pérez,${30000000 + i},1990-01-02,${i % 50 === 0 ? 7574 : i}\n`).join('');

describe('the server on the simulated platform', () => {
  it('SIGTERM while the start-up draw scans: the draw finishes and is logged once, then the graceful path', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const w = new SimWorld({ seed });
      const m = w.machine('server', { latencyMs: [1, 2] });
      m.volume.provision('/output/bets.csv', ROWS);
      m.volume.provision('/output/bets.csv.done', '1\n2\n');
      const config = { ...DEFAULT_SERVER_CONFIG, agencies: 2, betsFile: '/output/bets.csv' };
      const server = w.start('server', serverProgram(config, { lingered: () => {} }));
      // SIGTERM as soon as it listens: the start-up draw is scanning then (1–2 ms a disk operation).
      let signalled = false;
      await w.run({
        until: () => {
          if (!signalled && server.output.some((l) => l.includes('servidor_escuchando'))) {
            signalled = true;
            w.signal('server');
          }
          return !server.alive;
        },
        deadlineMs: 60_000,
      });
      const lines = server.output;
      expect(lines.filter((l) => l.includes('action: sorteo | result: fail')), `seed ${seed}`).toEqual([]);
      expect(lines.filter((l) => l.includes('action: sorteo | result: success')), `seed ${seed}`).toHaveLength(1);
      expect(lines.at(-1), `seed ${seed}`).toMatch(/action: shutdown \| result: success/);
      expect(server.exit).toMatchObject({ code: 0 });
      expect(m.volume.read('/output/bets.csv.done')?.toString()).toBe('1\n2\ndraw 400 8\n');
    }
  });
});
