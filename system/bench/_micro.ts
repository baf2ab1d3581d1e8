import { join } from 'node:path';
import { generateDataset } from '../dataset/dataset.js';
import { CsvFileSource } from '../client/bet-source.js';
import { Batcher } from '../client/batcher.js';
import { encodeBatch } from '../protocol/serializer.js';
import { decodeMessage } from '../protocol/message-decoder.js';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { validateBet } from '../domain/validation.js';
import { formatRow } from '../csv/csv-parser.js';
import { storedRow } from '../server/lottery.js';
import { Logger, MemorySink } from '../log/logger.js';
import { tempDir } from '../testing/test-server.js';
const tmp = tempDir('m-');
const m = await generateDataset({ dir: tmp.path });
const log = new Logger('INFO', new MemorySink());
for (let r = 0; r < 4; r++) {
  let t = performance.now();
  const frames: Buffer[] = [];
  let n = 0;
  for (const a of m.agencies) {
    const src = new CsvFileSource(join(tmp.path, a.file), a.agency, log);
    const b = new Batcher(100);
    for await (const items of src.read()) for (const it of items) { if (it.kind !== 'bet') continue; n++; const x = b.add(it.fields); if (x) frames.push(encodeBatch({agency: a.agency, firstIndex: x.firstIndex, bets: x.bets})); }
    const x = b.flush(); if (x) frames.push(encodeBatch({agency: a.agency, firstIndex: x.firstIndex, bets: x.bets}));
  }
  const tc = performance.now() - t;
  t = performance.now();
  const dec = new FrameDecoder(); let rows = 0; let bytes = 0;
  for (const f of frames) for (const fr of dec.push(f)) { const msg = decodeMessage(fr); if (msg.type !== 'batch') continue; let s = ''; for (const bf of msg.bets) { const v = validateBet(msg.agency, bf); if (v.ok) { s += storedRow(v.bet); rows++; } } bytes += Buffer.from(s).length; }
  const ts = performance.now() - t;
  console.log(`client-side ${tc.toFixed(1)}ms (${n} bets, ${frames.length} frames), server-side ${ts.toFixed(1)}ms (${rows} rows, ${bytes} bytes)`);
}
tmp.remove();
