import { describe, expect, it } from 'vitest';
import { CsvParser, formatField, formatRow, type CsvRecord, MAX_RECORD_CHARS } from './csv-parser.js';

function parse(chunks: string[]): CsvRecord[] {
  const p = new CsvParser();
  const out: CsvRecord[] = [];
  for (const chunk of chunks) out.push(...p.push(chunk));
  out.push(...p.end());
  return out;
}

const parseAll = (text: string): CsvRecord[] => parse([text]);
const row = (line: number, ...fields: string[]): CsvRecord => ({ kind: 'row', line, fields });
const errorAt = (line: number) => ({ kind: 'error', line, reason: expect.any(String) as string });

/** Input with every feature at once: BOM, CRLF and LF, quotes, line breaks in quotes, empty lines, a bad row, no final break. */
const TRICKY =
  '\uFEFFJosé,"Pérez, Jr.",00412345,1990-01-01,7574\r\n' + // 1
  '\r\n' + // 2 (empty)
  'Ana,"O""Brien",1,2000-02-29,1\n' + // 3
  '\n' + // 4 (empty)
  '"Line\nBreak","multi\r\nline\r\nname",2,1999-12-31,2\r\n' + // 5-8
  'Zoë,Müller,3,1980-05-05,3\n' + // 9
  '"a"x,b,c\n' + // 10 (malformed)
  'next,row\n' + // 11
  '"",",",""""\r\n' + // 12
  '"Peña"\r\n' + // 13
  'last,row,"no",break'; // 14

const TRICKY_RECORDS: CsvRecord[] = [
  row(1, 'José', 'Pérez, Jr.', '00412345', '1990-01-01', '7574'),
  row(3, 'Ana', 'O"Brien', '1', '2000-02-29', '1'),
  row(5, 'Line\nBreak', 'multi\r\nline\r\nname', '2', '1999-12-31', '2'),
  row(9, 'Zoë', 'Müller', '3', '1980-05-05', '3'),
  errorAt(10) as CsvRecord,
  row(11, 'next', 'row'),
  row(12, '', ',', '"'),
  row(13, 'Peña'),
  row(14, 'last', 'row', 'no', 'break'),
];

describe('CsvParser line endings', () => {
  it('reads LF rows', () => {
    expect(parseAll('a,b,c\nd,e,f\n')).toEqual([row(1, 'a', 'b', 'c'), row(2, 'd', 'e', 'f')]);
  });

  it('reads CRLF rows without keeping the CR', () => {
    expect(parseAll('a,b,c\r\nd,e,f\r\n')).toEqual([row(1, 'a', 'b', 'c'), row(2, 'd', 'e', 'f')]);
  });

  it('reads mixed CRLF and LF rows', () => {
    expect(parseAll('a,b\r\nc,d\ne,"f"\r\ng,"h"\n')).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd'), row(3, 'e', 'f'), row(4, 'g', 'h')]);
  });

  it('reads a last row without a line break, with or without quotes', () => {
    expect(parseAll('a,b\nc,d')).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd')]);
    expect(parseAll('a,b\nc,"d"')).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd')]);
    expect(parseAll('a,b\r\nc,d\r')).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd')]);
  });

  it('holds a row without a line break until end()', () => {
    const p = new CsvParser();
    expect(p.push('a,b\nc,d')).toEqual([row(1, 'a', 'b')]);
    expect(p.end()).toEqual([row(2, 'c', 'd')]);
  });

  it('skips empty lines but counts them', () => {
    expect(parseAll('\n\r\na,b\n\n\nc,d\r\n\r\n')).toEqual([row(3, 'a', 'b'), row(6, 'c', 'd')]);
  });

  it('returns nothing for empty input', () => {
    expect(parseAll('')).toEqual([]);
    expect(parse(['', '', ''])).toEqual([]);
  });
});

describe('CsvParser content', () => {
  it('drops a UTF-8 byte order mark at the start only', () => {
    expect(parseAll('\uFEFFa,b\n')).toEqual([row(1, 'a', 'b')]);
    expect(parse(['', '\uFEFFa,b\n'])).toEqual([row(1, 'a', 'b')]);
    expect(parseAll('a,b\n\uFEFFc,d\n')).toEqual([row(1, 'a', 'b'), row(2, '\uFEFFc', 'd')]);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(parseAll('"Pérez, Jr.","O""Brien","""quoted"""\n')).toEqual([row(1, 'Pérez, Jr.', 'O"Brien', '"quoted"')]);
  });

  it('keeps line breaks inside quotes and the line numbers of following rows right', () => {
    expect(parseAll('"a\nb",c\n"d\r\ne\n\nf",g\r\nh,i\n')).toEqual([row(1, 'a\nb', 'c'), row(3, 'd\r\ne\n\nf', 'g'), row(7, 'h', 'i')]);
  });

  it('keeps spaces and a quote inside an unquoted field as text', () => {
    expect(parseAll(' a , b\nab"c,d\n')).toEqual([row(1, ' a ', ' b'), row(2, 'ab"c', 'd')]);
  });

  it('reads empty fields, quoted or not', () => {
    expect(parseAll(',\n"",\n,""\na,,b\n')).toEqual([row(1, '', ''), row(2, '', ''), row(3, '', ''), row(4, 'a', '', 'b')]);
  });

  it('reads UTF-8 accented names', () => {
    expect(parseAll('José,Núñez\nZoë,Müller\nÑandú,Peña\n')).toEqual([row(1, 'José', 'Núñez'), row(2, 'Zoë', 'Müller'), row(3, 'Ñandú', 'Peña')]);
  });

  it('reads the tricky input in one push', () => {
    expect(parseAll(TRICKY)).toEqual(TRICKY_RECORDS);
  });
});

describe('CsvParser chunking', () => {
  it('gives the same records for a split at every point of the tricky input', () => {
    for (let at = 0; at <= TRICKY.length; at++) {
      expect(parse([TRICKY.slice(0, at), TRICKY.slice(at)]), `split at ${at}`).toEqual(TRICKY_RECORDS);
    }
  });

  it('gives the same records for every pair of split points', () => {
    for (let a = 0; a <= TRICKY.length; a += 1) {
      for (let b = a; b <= TRICKY.length; b += 1) {
        const got = parse([TRICKY.slice(0, a), TRICKY.slice(a, b), TRICKY.slice(b)]);
        if (JSON.stringify(got) !== JSON.stringify(TRICKY_RECORDS)) expect(got, `splits at ${a}, ${b}`).toEqual(TRICKY_RECORDS);
      }
    }
  });

  it('gives the same records fed one character at a time', () => {
    expect(parse([...TRICKY])).toEqual(TRICKY_RECORDS);
  });

  it('handles a CRLF split between \\r and \\n after a plain and after a quoted field', () => {
    expect(parse(['a,b\r', '\nc,d\r\n'])).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd')]);
    expect(parse(['a,"b"\r', '\nc,d\r\n'])).toEqual([row(1, 'a', 'b'), row(2, 'c', 'd')]);
    expect(parse(['"a\r', '\nb"\r', '\nc\r\n'])).toEqual([row(1, 'a\r\nb'), row(3, 'c')]);
  });

  it('handles a split right after a closing quote and between doubled quotes', () => {
    expect(parse(['a,"b"', ',c\n'])).toEqual([row(1, 'a', 'b', 'c')]);
    expect(parse(['a,"b"', '\n'])).toEqual([row(1, 'a', 'b')]);
    expect(parse(['"O"', '"Brien"\n'])).toEqual([row(1, 'O"Brien')]);
    expect(parse(['"x"', '', '"y"\n'])).toEqual([row(1, 'x"y')]);
    expect(parse(['"x"', '"', '"y"\n'])).toEqual([errorAt(1)]);
  });

  it('does not hold more than the unfinished row between pushes', () => {
    const p = new CsvParser();
    expect(p.push('a,b\nc,"d\n')).toEqual([row(1, 'a', 'b')]);
    expect(p.push('e",f\ng')).toEqual([row(2, 'c', 'd\ne', 'f')]);
    expect(p.end()).toEqual([row(4, 'g')]);
  });
});

describe('CsvParser malformed rows', () => {
  it('reports text after a closing quote with its line and goes on', () => {
    const got = parseAll('a,b\n"x"y,z\r\nc,d\n');
    expect(got).toEqual([row(1, 'a', 'b'), errorAt(2), row(3, 'c', 'd')]);
    expect(got[1]?.kind === 'error' && got[1].reason).toMatch(/after a closing quote/);
  });

  it('reports a stray character after a quoted field on a later line with the right number', () => {
    expect(parseAll('"a\nb",c\n"q"r\nlast\n')).toEqual([row(1, 'a\nb', 'c'), errorAt(3), row(4, 'last')]);
  });

  it('reports a quote never closed at end of input, and goes on with the next line', () => {
    const got = parseAll('a,b\n"never closed,x\nc,d\n');
    expect(got).toEqual([row(1, 'a', 'b'), errorAt(2), row(3, 'c', 'd')]);
    expect(got[1]?.kind === 'error' && got[1].reason).toMatch(/never closed/);
  });

  it('reports an unclosed quote on the last line without a line break', () => {
    expect(parseAll('a,b\nc,"d')).toEqual([row(1, 'a', 'b'), errorAt(2)]);
    expect(parse(['a,b\nc,', '"d'])).toEqual([row(1, 'a', 'b'), errorAt(2)]);
  });

  it('a malformed row in the middle of chunked input gives the same records', () => {
    for (const bad of ['"b"c', '"b"\rc', '"b" ']) {
      const text = `a\n${bad}\nd\n`;
      for (let at = 0; at <= text.length; at++) {
        expect(parse([text.slice(0, at), text.slice(at)]), `${JSON.stringify(text)} split at ${at}`).toEqual([row(1, 'a'), errorAt(2), row(3, 'd')]);
      }
    }
  });

  it('a CR after a closing quote at the end of a chunk is judged the same as in one push', () => {
    const text = '"b\nx"\rc\n"e\nf"\r\ng\n';
    const whole = parseAll(text);
    expect(whole[0]).toEqual(errorAt(1));
    expect(whole[whole.length - 1]).toEqual(row(5, 'g'));
    for (let at = 0; at <= text.length; at++) expect(parse([text.slice(0, at), text.slice(at)]), `split at ${at}`).toEqual(whole);
  });
});

describe('formatField / formatRow', () => {
  it('leaves plain values alone and quotes the ones that need it', () => {
    expect(formatField('José')).toBe('José');
    expect(formatField('')).toBe('');
    expect(formatField('Pérez, Jr.')).toBe('"Pérez, Jr."');
    expect(formatField('O"Brien')).toBe('"O""Brien"');
    expect(formatField('a\nb')).toBe('"a\nb"');
    expect(formatField('a\rb')).toBe('"a\rb"');
    expect(formatField(' padded ')).toBe('" padded "');
    expect(formatRow(['1', 'Zoë', 'O"Brien, Jr.', '00412345'])).toBe('1,Zoë,"O""Brien, Jr.",00412345');
  });

  const NASTY: string[][] = [
    ['', ''],
    ['"', '""', '"""'],
    [',', ',,', '","'],
    ['line\nbreak', 'crlf\r\ninside', 'lone\rcr', '\n'],
    ['trailing\r', '\r\n', ' lead', 'trail '],
    ['José', 'Núñez', 'Müller', 'Peña, Zoë', '😀'],
    ['a"b', '"start', 'end"', '\uFEFFbom'],
  ];

  it('round-trips nasty values through the parser, with LF and CRLF rows', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = NASTY.map((r) => formatRow(r) + eol).join('');
      const got = parseAll(text);
      expect(got.map((r) => (r.kind === 'row' ? r.fields : r))).toEqual(NASTY);
    }
  });

  it('round-trips nasty values split at every point', () => {
    const text = NASTY.map((r, i) => formatRow(r) + (i % 2 ? '\r\n' : '\n')).join('');
    for (let at = 0; at <= text.length; at++) {
      const got = parse([text.slice(0, at), text.slice(at)]);
      expect(got.map((r) => (r.kind === 'row' ? r.fields : r)), `split at ${at}`).toEqual(NASTY);
    }
  });
});

describe('memory bound', () => {
  it('reports a row longer than MAX_RECORD_CHARS (an unclosed quote) and goes on after its line', () => {
    const p = new CsvParser();
    const out = [...p.push('a,b,c,d,1\n"never closed,' + 'x'.repeat(MAX_RECORD_CHARS))];
    out.push(...p.push('y'.repeat(1000) + '\nok,b,c,d,2\n'));
    out.push(...p.end());
    expect(out.map((r) => (r.kind === 'row' ? `${r.line}:${r.fields[0]}` : `${r.line}:error`))).toEqual(['1:a', '2:error', '3:ok']);
  });

  it('a huge line without quotes and without a line break is dropped up to its end', () => {
    const p = new CsvParser();
    const out = [...p.push('z'.repeat(MAX_RECORD_CHARS + 10)), ...p.push('z'.repeat(50_000)), ...p.push('zz\nok,b,c,d,2\n'), ...p.end()];
    expect(out.map((r) => (r.kind === 'row' ? `${r.line}:${r.fields[0]}` : `${r.line}:error`))).toEqual(['1:error', '2:ok']);
  });
});
