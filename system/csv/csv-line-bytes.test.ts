import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv-parser.js';
import { type LineFields, NEEDS_MORE, NOT_SIMPLE, scanLine } from './csv-line-bytes.js';

const SEP = 0x7c; // '|'
const TERM = 0x3b; // ';'

/** Scans the first line of `text`; returns the outcome and what was written. */
function scan(text: string, fields = 3, upTo?: number) {
  const src = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(src.length + 1);
  const into: LineFields = { outEnd: -7, spans: new Int32Array(2 * fields) };
  const next = scanLine(src, 0, upTo ?? src.length, fields, SEP, TERM, out, 0, into);
  const written = next >= 0 && into.outEnd >= 0 ? out.subarray(0, into.outEnd).toString('utf8') : undefined;
  const contents = written === undefined ? undefined : Array.from({ length: fields }, (_, k) => out.subarray(into.spans[2 * k], into.spans[2 * k + 1]).toString('utf8'));
  return { next, written, contents };
}

describe('scanLine', () => {
  it('writes the fields of a plain row with the given delimiters, and returns where the next line starts', () => {
    expect(scan('a,b,c\nrest')).toEqual({ next: 6, written: 'a|b|c;', contents: ['a', 'b', 'c'] });
    // A CR before the LF ends the line; elsewhere it is text.
    expect(scan('a,b\r,c\r\n')).toEqual({ next: 8, written: 'a|b\r|c;', contents: ['a', 'b\r', 'c'] });
  });

  it('takes quotes off a quoted field and undoubles the quotes inside, as CsvParser does', () => {
    const line = '"Ruiz, ""el Rulo""",O"Brien,""\r\n';
    expect(scan(line)).toMatchObject({ next: line.length, contents: ['Ruiz, "el Rulo"', 'O"Brien', ''] });
    expect(new CsvParser().push(line)[0]).toMatchObject({ fields: ['Ruiz, "el Rulo"', 'O"Brien', ''] });
  });

  it('skips an empty line (LF or CRLF) without writing, as CsvParser does', () => {
    expect(scan('\nx').next).toBe(1);
    expect(scan('\r\nx').next).toBe(2);
    expect(scan('\r\nx').written).toBeUndefined();
  });

  it('leaves to CsvParser: another field count, a quoted field across lines, a character after a closing quote, a lone quoted empty field', () => {
    for (const line of ['a,b\n', 'a,b,c,d\n', '"a\nb",c,d\n', '"a"x,b,c\n', '"a"\rb,c,d\n', 'a,b,"c"\rd\n', '""\n']) {
      expect(scan(line).next, JSON.stringify(line)).toBe(NOT_SIMPLE);
    }
  });

  it('asks for more bytes at every cut before the line has ended', () => {
    for (const line of ['"Pé""rez",b,c\r\n', 'a,b,"c"\r\n']) {
      const length = Buffer.byteLength(line);
      for (let cut = 0; cut < length; cut++) expect(scan(line, 3, cut).next, `${JSON.stringify(line)} cut at ${cut}`).toBe(NEEDS_MORE);
      expect(scan(line, 3, length).next).toBe(length);
    }
  });
});
