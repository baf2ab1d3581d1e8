/**
 * CsvBetReader reads most rows on bytes and leaves the rest to CsvParser: whatever the input
 * and wherever the file's chunks split it, it must say exactly what the plain reading says
 * (decode the whole file, CsvParser, checkBetSpans on each row's wire text).
 */
import { describe, expect, it } from 'vitest';
import { CsvParser, MAX_RECORD_CHARS } from '../csv/csv-parser.js';
import { checkBetSpans } from '../domain/validation.js';
import { RS, US } from '../protocol/bet-text.js';
import { CsvBetReader } from './csv-bet-reader.js';
import { betStart, type InvalidRow, type SourceChunk } from './packed-bets.js';

/** Bets as their wire bytes, one char a byte (a decoded string would hide bytes that differ). */
interface Reading {
  readonly bets: string[];
  readonly invalid: InvalidRow[];
}

/** The plain reading, all at once. */
function reference(agency: number, file: Uint8Array): Reading {
  const parser = new CsvParser();
  const records = [...parser.push(new TextDecoder('utf-8').decode(file)), ...parser.end()];
  const bets: string[] = [];
  const invalid: InvalidRow[] = [];
  for (const r of records) {
    if (r.kind === 'error') invalid.push({ line: r.line, reason: r.reason });
    else if (r.fields.length !== 5) invalid.push({ line: r.line, reason: `expected 5 fields (first_name,last_name,document,birthdate,number), found ${r.fields.length}` });
    else {
      const text = r.fields.join(US) + RS;
      const spans: number[] = [];
      let at = 0;
      for (const f of r.fields) spans.push(at, (at += f.length)), at++;
      const reason = checkBetSpans(agency, text, spans);
      if (reason === undefined) bets.push(Buffer.from(text, 'utf8').toString('latin1'));
      else invalid.push({ line: r.line, reason });
    }
  }
  return { bets, invalid };
}

/** The reader's, fed in pieces cut at `cuts`. */
function read(agency: number, file: Uint8Array, cuts: readonly number[]): Reading {
  const reader = new CsvBetReader(agency);
  const chunks: SourceChunk[] = [];
  let from = 0;
  for (const cut of [...cuts, file.length]) {
    chunks.push(reader.push(file.subarray(from, cut)));
    from = cut;
  }
  chunks.push(reader.end());
  const bets: string[] = [];
  for (const { bets: packed } of chunks) {
    for (let i = 0; i < packed.ends.length; i++) bets.push(Buffer.from(packed.bytes.subarray(betStart(packed, i), packed.ends[i])).toString('latin1'));
  }
  return { bets, invalid: chunks.flatMap((c) => c.invalid) };
}

function lcg(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 8) % n;
  };
}

const wire = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
const bytes = (...parts: (string | number[])[]): number[] => parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p));

/** Fields, good and bad, as bytes: names with every kind of character, malformed UTF-8, quotes. */
const NAMES: number[][] = [
  bytes('Ana'), bytes('José María'), bytes('Núñez'), bytes('Zoë'), bytes('O"Brien'), bytes('"Ruiz, ""el Rulo"""'), bytes('"Pérez, Jr."'),
  bytes('😀'), bytes('漢字'), bytes('\u00a0'), bytes('\u3000'), bytes(' '), bytes(''), bytes('\u0085x'), bytes('a\u007f'), bytes('\u1680'),
  bytes('\ufeffA'), bytes('\ufeff'), bytes('x'.repeat(100)), bytes('x'.repeat(101)), bytes('€'.repeat(85)), bytes('€'.repeat(85) + 'a'), bytes('€'.repeat(86)), bytes('😀'.repeat(50)), bytes('😀'.repeat(51)),
  bytes('a', [0xff]), bytes('a', [0xc3]), bytes([0xc0, 0x80]), bytes([0xed, 0xa0, 0x80]), bytes([0xe0, 0x9f, 0xbf]), bytes([0xf4, 0x90, 0x80, 0x80]), bytes([0xf0, 0x8f, 0xbf, 0xbf]),
  bytes([0xe2, 0x82]), bytes([0x80]), bytes([0xf5, 0x80]), bytes('a\x1fb'), bytes('a\x1eb'), bytes('a\rb'), bytes('"a\nb"'), bytes('"a\r\nb"'), bytes('"x"y'), bytes('"a"\rb'), bytes('"open'),
  bytes('a\tb'), bytes('"quoted"'), bytes('""'), bytes('"a""b"'), bytes('a"b'),
];
const DOCUMENTS = ['00412345', '1', '12a', '9'.repeat(20), '9'.repeat(21), '', '٣', '"00412345"', '-1'].map((d) => bytes(d));
const DATES = ['1990-01-01', '2024-02-29', '2023-02-29', '1899-12-31', '1900-01-01', '2999-01-01', '1999-3-17', '1999-03-17x', '0000-00-00', '1999-13-01', '1999-00-10', '1999-01-32', '"1990-01-01"', '1990/01/01'].map((d) => bytes(d));
const NUMBERS = ['7574', '0', '9999', '10000', '', '0042', 'x', '"12"', ' 1'].map((d) => bytes(d));
const ENDS = [bytes('\n'), bytes('\r\n'), bytes('\r\n'), bytes('\n')];

/** A file of `rows` rows: mostly good ones, with every oddity now and then. */
function file(rnd: (n: number) => number, rows: number): Uint8Array {
  const out: number[] = [];
  const bom = rnd(6);
  for (let i = 0; i < (bom > 2 ? 0 : bom + 1); i++) out.push(0xef, 0xbb, 0xbf);
  const pick = (list: number[][], good: number) => (rnd(10) === 0 ? (list[rnd(list.length)] as number[]) : (list[rnd(good)] as number[]));
  for (let r = 0; r < rows; r++) {
    const kind = rnd(40);
    if (kind === 0) out.push(...(ENDS[rnd(ENDS.length)] as number[])); // an empty line
    else if (kind === 1) out.push(...bytes('a,b,c'), ...(ENDS[0] as number[])); // too few fields
    else if (kind === 2) out.push(...bytes('a,b,c,d,e,f'), ...(ENDS[1] as number[])); // too many
    else if (kind === 3) out.push(...bytes('"unclosed,x,y'), ...(ENDS[0] as number[]));
    else if (kind === 4) out.push(...bytes('\r'), ...(ENDS[1] as number[]));
    else if (kind === 5) out.push(...bytes('""'), ...(ENDS[rnd(ENDS.length)] as number[]));
    else {
      const fields = [pick(NAMES, 7), pick(NAMES, 7), pick(DOCUMENTS, 2), pick(DATES, 2), pick(NUMBERS, 3)];
      fields.forEach((f, k) => out.push(...(k === 0 ? [] : [0x2c]), ...f));
      out.push(...(ENDS[rnd(ENDS.length)] as number[]));
    }
  }
  // Sometimes no line break at the end, or a CR alone.
  const last = rnd(3);
  if (last === 0 && out.at(-1) === 0x0a) out.pop();
  if (last === 1) out.push(...bytes('Ana,Ruiz,1,1990-01-01,7'));
  return Uint8Array.from(out);
}

function randomCuts(rnd: (n: number) => number, length: number, most: number): number[] {
  const cuts: number[] = [];
  for (let at = 1 + rnd(most); at < length; at += 1 + rnd(most)) cuts.push(at);
  return cuts;
}

describe('CsvBetReader', () => {
  it('reads what the plain reading reads, row by row, on generated files cut anywhere', () => {
    let bets = 0;
    let invalid = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rnd = lcg(seed);
      const f = file(rnd, 150);
      const expected = reference(1, f);
      bets += expected.bets.length;
      invalid += expected.invalid.length;
      for (const cuts of [[], randomCuts(rnd, f.length, 7), randomCuts(rnd, f.length, 300), Array.from({ length: f.length }, (_, i) => i)]) {
        expect(read(1, f, cuts), `seed ${seed}, ${cuts.length} cuts`).toEqual(expected);
      }
    }
    // Both kinds are well represented.
    expect(bets).toBeGreaterThan(3000);
    expect(invalid).toBeGreaterThan(1500);
  });

  it('reads what the plain reading reads for every listed field in every place of a row', () => {
    const good = [NAMES[0], NAMES[1], DOCUMENTS[0], DATES[0], NUMBERS[0]] as number[][];
    const lists = [NAMES, NAMES, DOCUMENTS, DATES, NUMBERS];
    const rows: number[] = [];
    lists.forEach((list, k) => {
      for (const field of list) {
        const fields = good.map((g, j) => (j === k ? field : g));
        fields.forEach((f, j) => rows.push(...(j === 0 ? [] : [0x2c]), ...f));
        rows.push(...bytes('\r\n'));
      }
    });
    const f = Uint8Array.from(rows);
    const expected = reference(1, f);
    expect(read(1, f, [])).toEqual(expected);
    expect(read(1, f, randomCuts(lcg(1), f.length, 50))).toEqual(expected);
    expect(expected.bets.length).toBeGreaterThan(20);
    expect(expected.invalid.length).toBeGreaterThan(60);
  });

  it('reads byte order marks as a decoder and CsvParser do (each drops one)', () => {
    for (const marks of [0, 1, 2, 3]) {
      const f = Uint8Array.from([...Array(marks).fill([0xef, 0xbb, 0xbf]).flat(), ...bytes('Ana,Ruiz,1,1990-01-01,7\nAna,Ruiz,2,1990-01-01,7\n')]);
      expect(read(1, f, [1, 2, 3, 4, 5]), `${marks} marks`).toEqual(reference(1, f));
    }
  });

  it('refuses every row of an agency that is not valid, with the reason', () => {
    const f = Uint8Array.from(bytes('Ana,Ruiz,1,1990-01-01,7\r\nAna,Ruiz,2,1990-01-01,7\r\n'));
    const r = read(0, f, []);
    expect(r).toEqual(reference(0, f));
    expect(r.invalid).toEqual([{ line: 1, reason: 'agency 0 is not a positive integer' }, { line: 2, reason: 'agency 0 is not a positive integer' }]);
  });

  it('names the line of a row after quoted fields across lines and after malformed UTF-8', () => {
    const f = Uint8Array.from(bytes('Ana,Ruiz,1,1990-01-01,7\n"Ana\nMaría",Ruiz,2,1990-01-01,7\nAna,Ru', [0xff], 'iz,3,1990-01-01,7\nAna,Ruiz,x,1990-01-01,7\n'));
    const r = read(1, f, [30, 31]);
    expect(r).toEqual(reference(1, f));
    expect(r.invalid).toEqual([
      { line: 2, reason: 'first name holds a control character' },
      { line: 5, reason: 'document "x" is not all digits' },
    ]);
    // The byte the decoder replaced travels as U+FFFD, as it always did.
    expect(r.bets[1]).toBe(wire(`Ana${US}Ru\ufffdiz${US}3${US}1990-01-01${US}7${RS}`));
  });

  it('keeps memory bounded: a line without an end longer than CsvParser keeps is refused, and reading goes on', () => {
    const f = Uint8Array.from(bytes('Ana,Ruiz,1,1990-01-01,7\n', 'x'.repeat(3 * MAX_RECORD_CHARS), '\nAna,Ruiz,1,1990-01-01,7\n'));
    const r = read(1, f, randomCuts(lcg(3), f.length, 20_000));
    expect(r.invalid).toEqual([{ line: 2, reason: `row longer than ${MAX_RECORD_CHARS} characters (a quote never closed?)` }]);
    expect(r.bets).toEqual([wire(`Ana${US}Ruiz${US}1${US}1990-01-01${US}7${RS}`), wire(`Ana${US}Ruiz${US}1${US}1990-01-01${US}7${RS}`)]);
  });
});
