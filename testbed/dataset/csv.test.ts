import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRecords, formatRow, readCsv } from './csv.js';

describe("the testbed's CSV (csv-parse to read, its own quoting to write)", () => {
  it('reads LF and CRLF mixed, a BOM, quoted commas, doubled quotes, accents and a last line without its break', async () => {
    const text = '\uFEFFJosé,"Pérez, Jr.",1\r\nZoë,"O""Brien",2\n\r\n"multi\nline",x,3';
    expect(await csvRecords(text)).toEqual([
      { kind: 'row', row: 1, fields: ['José', 'Pérez, Jr.', '1'] },
      { kind: 'row', row: 2, fields: ['Zoë', 'O"Brien', '2'] },
      { kind: 'row', row: 3, fields: ['multi\nline', 'x', '3'] },
    ]);
  });

  it('reports a malformed row with its line and goes on; a quote inside an unquoted field is text only when lenient', async () => {
    const strict = await csvRecords('a,b\nO"Brien,c\n');
    expect(strict.filter((r) => r.kind === 'error').map((r) => (r.kind === 'error' ? r.line : 0))).toEqual([2]);
    expect(await csvRecords('a,b\nO"Brien,c\n', { lenient: true })).toEqual([
      { kind: 'row', row: 1, fields: ['a', 'b'] },
      { kind: 'row', row: 2, fields: ['O"Brien', 'c'] },
    ]);
    const unclosed = await csvRecords('a,b\n"never closed,c\n');
    expect(unclosed).toContainEqual({ kind: 'row', row: 1, fields: ['a', 'b'] });
    expect(unclosed.find((r) => r.kind === 'error')).toMatchObject({ kind: 'error', reason: expect.stringMatching(/Quote Not Closed/) });
  });

  it('reads a stream in any chunking the same as the whole text', async () => {
    const text = 'a,"b,\nc",d\r\ne,f,g\n';
    const whole = await csvRecords(text);
    for (let i = 1; i < text.length; i++) {
      expect(await csvRecords(Readable.from([Buffer.from(text.slice(0, i)), Buffer.from(text.slice(i))])), `split at ${i}`).toEqual(whole);
    }
  });

  it('rejects with the error of a callback that throws', async () => {
    await expect(readCsv('a\nb\nc\n', (r) => {
      if (r.kind === 'row' && r.row === 2) throw new Error('stop at 2');
    })).rejects.toThrow('stop at 2');
  });

  it('quotes only what needs it, and reads back what it wrote', async () => {
    const fields = ['José', 'Pérez, Jr.', 'O"Brien', ' padded ', 'line\nbreak', '0042'];
    expect(formatRow(fields)).toBe('José,"Pérez, Jr.","O""Brien"," padded ","line\nbreak",0042');
    expect(await csvRecords(formatRow(fields) + '\n')).toEqual([{ kind: 'row', row: 1, fields }]);
  });
});
