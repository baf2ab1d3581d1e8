/** The draw over many stored bets, in a server child process, watching its peak RSS. */
import { createWriteStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { encodeDone, encodeHello, encodeWinnersQuery } from '../protocol/serializer.js';
import { startServerProcess } from '../testing/child-process.js';
import { RawPeer } from '../testing/raw-peer.js';
import { encodeSlot } from '../server/commit-log.js';

export interface DrawMemory {
  readonly fileBytes: number;
  readonly startupMs: number;
  readonly drawMs: number;
  readonly winners: number;
  readonly peakRssBytes: number;
}

/** Writes `n` stored rows of agency 1 (every 1000th wins), as the server itself would have. */
async function writeStoredBets(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const number = i % 1000 === 0 ? 7574 : i % 7000;
    chunk += `1,Zoë,"Pérez, Núñez",${String(i).padStart(8, '0')},1980-05-17,${number}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  writeFileSync(`${path}.commit`, encodeSlot(statSync(path).size));
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return kb * 1024;
}

export async function measureDrawMemory(dir: string, n: number): Promise<DrawMemory> {
  mkdirSync(dir, { recursive: true });
  const betsFile = join(dir, 'bets.csv');
  await writeStoredBets(betsFile, n);
  const started = performance.now();
  const { run, port } = await startServerProcess({ SERVER_AGENCIES: '1', SERVER_BETS_FILE: betsFile }, true);
  const startupMs = performance.now() - started;
  const peer = await RawPeer.connect(port);
  try {
    const t = performance.now();
    peer.write([encodeHello({ agency: 1 }), encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 })]);
    let winners = 0;
    for (;;) {
      const m = await peer.next(600_000);
      if (m?.type === 'status') continue;
      if (m?.type !== 'winners') throw new Error(`unexpected answer ${JSON.stringify(m)}`);
      winners += m.documents.length;
      if (m.last) break;
    }
    const drawMs = performance.now() - t;
    const peakRssBytes = await peakRss(run.proc.pid as number);
    return { fileBytes: statSync(betsFile).size, startupMs, drawMs, winners, peakRssBytes };
  } finally {
    peer.destroy();
    run.kill('SIGTERM');
    await run.exited;
  }
}
