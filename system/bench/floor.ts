/**
 * The benchmark's floor: the least work that stores the same bets durably. One process parses the
 * agency files, writes the same bets.csv rows, fsyncs once at the end, and counts the winners.
 * No network, no validation, no per-batch durability.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvParser } from '../csv/csv-parser.js';
import { formatRow } from '../csv/csv-parser.js';
import { WINNING_NUMBER } from '../domain/bet.js';

export interface FloorResult {
  readonly bets: number;
  readonly winners: number;
}

export async function runFloor(files: readonly { agency: number; path: string }[], outPath: string): Promise<FloorResult> {
  const out = await open(outPath, 'w');
  let bets = 0;
  let winners = 0;
  const winning = String(WINNING_NUMBER);
  try {
    for (const { agency, path } of files) {
      const parser = new CsvParser();
      const decoder = new TextDecoder('utf-8');
      const prefix = [String(agency)];
      const handle = (records: ReturnType<CsvParser['push']>): string => {
        let text = '';
        for (const r of records) {
          if (r.kind !== 'row') continue;
          text += formatRow(prefix.concat(r.fields)) + '\n';
          bets++;
          if (r.fields[4] === winning) winners++;
        }
        return text;
      };
      for await (const chunk of createReadStream(path, { highWaterMark: 128 * 1024 }) as AsyncIterable<Buffer>) {
        await out.write(handle(parser.push(decoder.decode(chunk, { stream: true }))));
      }
      await out.write(handle([...parser.push(decoder.decode()), ...parser.end()]));
    }
    await out.datasync();
  } finally {
    await out.close();
  }
  return { bets, winners };
}
