import { describe, expect, it } from 'vitest';
import type { Disk } from '../../system/platform/disk.js';
import type { VolumeConfig } from './sim-volume.js';
import { SimWorld } from '../process/sim-world.js';

const DATA = { access: 'write', append: true, create: true, dsync: true } as const;
const PLAIN = { access: 'write', append: true, create: true } as const;

/**
 * Runs `work` on machine `box` (its /d directory durable), crashes the box when `work` calls
 * crash() (or at `crashAtMs`), and returns what the disk holds afterwards.
 */
async function afterCrash(
  seed: number,
  work: (disk: Disk, crash: () => void) => Promise<void>,
  options: { crashAtMs?: number; volume?: Partial<VolumeConfig> } = {},
): Promise<Map<string, string>> {
  const w = new SimWorld({ seed });
  const m = w.machine('box', options.volume);
  m.volume.provisionDir('/d');
  w.start('box', ({ platform }) => work(platform.disk, () => w.crash('box')));
  if (options.crashAtMs !== undefined) w.sim.at(options.crashAtMs, 'fault', () => w.crash('box'));
  await w.run({ deadlineMs: 10_000 });
  return new Map(m.volume.paths().map((p) => [p, (m.volume.read(p) as Buffer).toString()]));
}

/** What `work` leaves over `seeds` seeds: how often each content of `path` came out. */
async function outcomes(path: string, seeds: number, work: Parameters<typeof afterCrash>[1], options?: Parameters<typeof afterCrash>[2]) {
  const seen = new Map<string, number>();
  for (let seed = 1; seed <= seeds; seed++) {
    const content = (await afterCrash(seed, work, options)).get(path) ?? '<no file>';
    seen.set(content, (seen.get(content) ?? 0) + 1);
  }
  return seen;
}

/** Creates `name` in /d and makes its name durable. */
async function created(disk: Disk, name: string, flags: Parameters<Disk['open']>[1]) {
  const fh = await disk.open(`/d/${name}`, flags);
  await disk.syncDirectory('/d');
  return fh;
}

describe('the simulated disk on a crash', () => {
  it('keeps an O_DSYNC write once it resolved, and a plain write once a datasync after it resolved', async () => {
    const seen = await outcomes('/d/a', 40, async (disk, crash) => {
      const a = await created(disk, 'a', DATA);
      await a.writev([Buffer.from('durable\n')]);
      const b = await created(disk, 'b', PLAIN);
      await b.appendFile('synced\n');
      await b.datasync();
      crash();
    });
    expect([...seen.keys()]).toEqual(['durable\n']);
    const synced = await outcomes('/d/b', 40, async (disk, crash) => {
      const b = await created(disk, 'b', PLAIN);
      await b.appendFile('synced\n');
      await b.datasync();
      crash();
    });
    expect([...synced.keys()]).toEqual(['synced\n']);
  });

  it('loses, keeps or tears a write that was never synced', async () => {
    const seen = await outcomes('/d/j', 60, async (disk, crash) => {
      const j = await created(disk, 'j', PLAIN);
      await j.appendFile('1\n');
      await j.datasync();
      await j.appendFile('22222222\n');
      crash();
    });
    const kinds = new Set([...seen.keys()].map((c) => (c === '1\n' ? 'lost' : c === '1\n22222222\n' ? 'kept' : c.startsWith('1\n2') ? 'torn' : `other: ${c}`)));
    expect(kinds).toEqual(new Set(['lost', 'kept', 'torn']));
  });

  it('may keep a later write of one file and lose an earlier one of another (reordered between files)', async () => {
    const states = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const files = await afterCrash(seed, async (disk, crash) => {
        const a = await created(disk, 'a', PLAIN);
        const b = await created(disk, 'b', PLAIN);
        await a.appendFile('first');
        await b.appendFile('second');
        crash();
      }, { volume: { tornWrites: 0 } });
      states.add(`${files.get('/d/a') === 'first' ? 'A' : '-'}${files.get('/d/b') === 'second' ? 'B' : '-'}`);
    }
    expect(states).toEqual(new Set(['--', 'A-', '-B', 'AB']));
  });

  it('lands an O_DSYNC write still in flight whole, torn, or not at all', async () => {
    const seen = await outcomes('/d/bets', 60, async (disk) => {
      const fh = await created(disk, 'bets', DATA);
      await fh.writev([Buffer.from('row1\n')]);
      await fh.writev([Buffer.from('row2-row2-row2\n')]); // the crash comes while this one is in flight
    }, { crashAtMs: 17, volume: { latencyMs: [5, 5] } }); // open 0–5, dir sync –10, row1 –15, row2 15–20
    const kinds = new Set([...seen.keys()].map((c) => (c === 'row1\n' ? 'lost' : c === 'row1\nrow2-row2-row2\n' ? 'whole' : 'torn')));
    expect(kinds).toEqual(new Set(['lost', 'whole', 'torn']));
  });

  it('a datasync covers the writes completed before it was issued, not one completing while it runs', async () => {
    const seen = await outcomes('/d/j', 60, async (disk, crash) => {
      const j = await created(disk, 'j', PLAIN);
      await j.appendFile('before\n');
      const sync = j.datasync();
      await j.appendFile('during\n');
      await sync;
      crash();
    }, { volume: { latencyMs: [1, 3], tornWrites: 0 } });
    expect(new Set(seen.keys())).toEqual(new Set(['before\n', 'before\nduring\n']));
  });

  it('loses a new file whose directory was never synced, with everything in it', async () => {
    const seen = await outcomes('/d/new', 20, async (disk, crash) => {
      const fh = await disk.open('/d/new', DATA);
      await fh.writev([Buffer.from('durable bytes, lost name')]);
      crash();
    });
    expect([...seen.keys()]).toEqual(['<no file>']);
  });

  it('a kill (no power loss) keeps the page cache', async () => {
    const w = new SimWorld({ seed: 3 });
    const m = w.machine('box');
    m.volume.provisionDir('/d');
    w.start('box', async ({ platform }) => {
      const fh = await platform.disk.open('/d/j', PLAIN);
      await fh.appendFile('not synced\n');
      w.kill('box');
    });
    await w.run({ deadlineMs: 1_000 });
    expect(m.volume.read('/d/j')?.toString()).toBe('not synced\n');
  });
});

describe('the simulated disk on demand', () => {
  it('fails an op with ENOSPC or EIO, changing nothing; stores half on a short write; takes its latency', async () => {
    const w = new SimWorld({ seed: 4 });
    const m = w.machine('box', { latencyMs: [2, 2] });
    m.volume.provision('/d/bets', 'a\n');
    const log: string[] = [];
    w.start('box', async ({ platform }) => {
      const fh = await platform.disk.open('/d/bets', DATA);
      m.volume.inject({ op: 'write', code: 'ENOSPC' });
      await fh.writev([Buffer.from('b\n')]).catch((e: NodeJS.ErrnoException) => log.push(e.code ?? '?'));
      m.volume.inject({ op: 'datasync', path: 'bets', code: 'EIO' });
      await fh.datasync().catch((e: NodeJS.ErrnoException) => log.push(e.code ?? '?'));
      m.volume.inject({ op: 'write', code: 'short' });
      log.push(`short ${(await fh.writev([Buffer.from('cccc')])).bytesWritten}`);
      const before = w.sim.now;
      await fh.writev([Buffer.from('\n')]);
      log.push(`took ${w.sim.now - before} ms`);
    });
    await w.run({ deadlineMs: 1_000 });
    expect(log).toEqual(['ENOSPC', 'EIO', 'short 2', 'took 2 ms']);
    expect(m.volume.read('/d/bets')?.toString()).toBe('a\ncc\n');
  });

  it('appendFile goes on after a short write, as FileHandle.appendFile does: every byte lands', async () => {
    const w = new SimWorld({ seed: 5 });
    const m = w.machine('box');
    m.volume.provision('/d/j', '1\n');
    w.start('box', async ({ platform }) => {
      const fh = await platform.disk.open('/d/j', PLAIN);
      m.volume.inject({ op: 'write', code: 'short', times: 3 });
      await fh.appendFile('draw 1000 15\n');
    });
    await w.run({ deadlineMs: 1_000 });
    expect(m.volume.read('/d/j')?.toString()).toBe('1\ndraw 1000 15\n');
  });
});
