import { describe, expect, it } from 'vitest';
import { betProblem, WINNING_NUMBER } from './bet-rules.js';
import { csvRecords, quoteAlways } from './csv.js';
import { birthdateOf, generateAgencyBets, GeneratorOptionsError, INVALID_KINDS, numberOf, QUOTED_LAST_NAMES, type GeneratedBet } from './generator.js';
import { DocumentPermutation, Rng } from './rng.js';

const take = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.u32());
const bets = (o: Parameters<typeof generateAgencyBets>[0]): GeneratedBet[] => [...generateAgencyBets(o)];

describe('Rng', () => {
  it('is deterministic per seed and stream, and differs across them', () => {
    expect(take(new Rng(1), 50)).toEqual(take(new Rng(1), 50));
    expect(take(new Rng(1), 50)).not.toEqual(take(new Rng(2), 50));
    expect(take(new Rng(1, 1), 50)).not.toEqual(take(new Rng(1, 2), 50));
    expect(take(new Rng(0), 50)).not.toEqual(take(new Rng(0xffff_ffff), 50));
  });

  it('gives 32-bit integers, floats in [0, 1) and ints in [0, n) that cover the range evenly', () => {
    const rng = new Rng(99);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const u = rng.u32();
      expect(Number.isInteger(u) && u >= 0 && u <= 0xffff_ffff).toBe(true);
      const f = rng.float();
      expect(f >= 0 && f < 1).toBe(true);
      const k = rng.int(10);
      counts[k] = (counts[k] as number) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(9_500);
    for (const c of counts) expect(c).toBeLessThan(10_500);
  });
});

describe('DocumentPermutation', () => {
  it('gives distinct 8-digit documents, some with leading zeros', () => {
    const p = new DocumentPermutation(7);
    const seen = new Set<string>();
    let leadingZero = 0;
    for (let i = 0; i < 200_000; i++) {
      const d = p.documentAt(i);
      if (!/^\d{8}$/.test(d)) expect(d).toMatch(/^\d{8}$/);
      seen.add(d);
      if (d.startsWith('0')) leadingZero++;
    }
    expect(seen.size).toBe(200_000);
    // Uniform over 10^8: about one in ten starts with 0.
    expect(leadingZero).toBeGreaterThan(15_000);
    expect(leadingZero).toBeLessThan(25_000);
  });

  it('is a bijection: a small slice of the domain maps back into the domain without repeats', () => {
    const p = new DocumentPermutation(3);
    const out = new Set<number>();
    for (let i = 100_000_000 - 50_000; i < 100_000_000; i++) out.add(p.at(i));
    expect(out.size).toBe(50_000);
    for (const v of out) if (v < 0 || v >= 100_000_000) expect(v).toBeLessThan(100_000_000);
  });

  it('depends on the seed and refuses indexes outside the domain', () => {
    expect(new DocumentPermutation(1).documentAt(0)).not.toBe(new DocumentPermutation(2).documentAt(0));
    expect(new DocumentPermutation(1).documentAt(5)).toBe(new DocumentPermutation(1).documentAt(5));
    expect(() => new DocumentPermutation(1).at(100_000_000)).toThrow(RangeError);
    expect(() => new DocumentPermutation(1).at(-1)).toThrow(RangeError);
  });
});

describe('numbers and birthdates', () => {
  it('never draws 7574 at win rate 0, and draws every other number', () => {
    const rng = new Rng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(numberOf(rng, 0));
    expect(seen.has(WINNING_NUMBER)).toBe(false);
    expect(seen.size).toBe(9_999);
    expect(seen.has(0) && seen.has(9_999) && !seen.has(10_000) && !seen.has(-1)).toBe(true);
  });

  it('draws 7574 at about the win rate', () => {
    const rng = new Rng(6);
    let wins = 0;
    for (let i = 0; i < 200_000; i++) if (numberOf(rng, 1 / 2000) === WINNING_NUMBER) wins++;
    expect(wins).toBeGreaterThan(60);
    expect(wins).toBeLessThan(140);
    expect(numberOf(rng, 1)).toBe(WINNING_NUMBER);
  });

  it('draws real calendar dates from 1930 to 2005', () => {
    const rng = new Rng(8);
    const years = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const d = birthdateOf(rng);
      const problem = betProblem(['A', 'B', '1', d, '1']);
      if (problem !== undefined) expect(problem).toBeUndefined();
      years.add(d.slice(0, 4));
    }
    expect([...years].sort()[0]).toBe('1930');
    expect([...years].sort().at(-1)).toBe('2005');
  });
});

describe('generateAgencyBets', () => {
  const sample = bets({ seed: 11, agency: 2, firstIndex: 1000, count: 20_000 });

  it('writes rows that csv-parse reads back to exactly the generated fields', async () => {
    const records = await csvRecords(sample.map((b) => b.row + '\n').join(''));
    expect(records).toHaveLength(sample.length);
    records.forEach((r, i) => {
      const f = sample[i]?.fields;
      const want = f && [f.firstName, f.lastName, f.document, f.birthdate, f.number];
      if (r.kind !== 'row' || JSON.stringify(r.fields) !== JSON.stringify(want)) expect(r).toEqual({ kind: 'row', row: i + 1, fields: want });
    });
  });

  it("makes bets that pass the testbed's rules of a valid bet, and none invalid unless asked", () => {
    for (const b of sample) {
      const problem = betProblem([b.fields.firstName, b.fields.lastName, b.fields.document, b.fields.birthdate, b.fields.number]);
      if (problem !== undefined) expect(problem).toBeUndefined();
    }
    expect(sample.filter((b) => b.invalid !== undefined)).toEqual([]);
  });

  it('spoils rows on purpose at the invalid rate, each breaking the rule it names, the same rows for the same seed', async () => {
    const mixed = bets({ seed: 11, agency: 2, firstIndex: 1000, count: 5000, invalidRate: 0.1 });
    const invalid = mixed.filter((b) => b.invalid !== undefined);
    expect(invalid.length).toBeGreaterThan(400);
    expect(invalid.length).toBeLessThan(600);
    expect(new Set(invalid.map((b) => b.invalid))).toEqual(new Set(INVALID_KINDS));
    const expectedProblem: Record<(typeof INVALID_KINDS)[number], RegExp> = {
      'empty first name': /first name is empty/,
      'document not all digits': /not all digits/,
      'not a calendar date': /not a calendar date/,
      'number out of range': /not an integer from 0 to 9999/,
      'four fields': /4 fields/,
    };
    let i = 0;
    for (const r of await csvRecords(mixed.map((b) => b.row + '\r\n').join(''))) {
      const b = mixed[i++] as GeneratedBet;
      if (r.kind !== 'row') throw new Error(`row ${i} did not parse`);
      const problem = betProblem(r.fields) ?? '';
      if (b.invalid === undefined ? problem !== '' : !expectedProblem[b.invalid].test(problem)) expect({ row: b.row, problem }).toEqual({ row: b.row, kind: b.invalid });
    }
    expect(i).toBe(5000);
    expect(bets({ seed: 11, agency: 2, firstIndex: 1000, count: 5000, invalidRate: 0.1 })).toEqual(mixed);
  });

  it('has accented names, names that need quoting, and fields quoted without need', () => {
    expect(sample.some((b) => /[^\x00-\x7f]/.test(b.fields.firstName))).toBe(true);
    expect(sample.some((b) => /[^\x00-\x7f]/.test(b.fields.lastName))).toBe(true);
    const needQuotes = sample.filter((b) => QUOTED_LAST_NAMES.includes(b.fields.lastName));
    expect(needQuotes.length).toBeGreaterThan(200);
    expect(needQuotes.some((b) => b.fields.lastName.includes(','))).toBe(true);
    expect(needQuotes.some((b) => b.fields.lastName.includes('"'))).toBe(true);
    const quotedPlainDocument = sample.filter((b) => b.row.includes(`"${b.fields.document}"`));
    expect(quotedPlainDocument.length).toBeGreaterThan(100);
    expect(sample.some((b) => b.row.startsWith(`"${b.fields.firstName}",`))).toBe(true);
  });

  it('is deterministic, and the seed and agency change it', () => {
    const rows = (seed: number, agency: number): string[] => bets({ seed, agency, firstIndex: 0, count: 200 }).map((b) => b.row);
    expect(rows(1, 1)).toEqual(rows(1, 1));
    expect(rows(1, 1)).not.toEqual(rows(2, 1));
    expect(rows(1, 1)).not.toEqual(rows(1, 2));
  });

  it('gives documents by dataset position, so agencies with adjacent ranges never share one', () => {
    const a = bets({ seed: 4, agency: 1, firstIndex: 0, count: 3000 });
    const b = bets({ seed: 4, agency: 2, firstIndex: 3000, count: 3000 });
    const docs = new Set([...a, ...b].map((x) => x.fields.document));
    expect(docs.size).toBe(6000);
    expect(bets({ seed: 4, agency: 9, firstIndex: 3000, count: 1 })[0]?.fields.document).toBe(b[0]?.fields.document);
  });

  it('honours the win rate and the extra-quote rate', () => {
    const all = bets({ seed: 1, agency: 1, firstIndex: 0, count: 500, winRate: 1, extraQuoteRate: 1 });
    expect(all.every((b) => b.fields.number === '7574')).toBe(true);
    expect(all.every((b) => b.row.startsWith('"') && b.row.endsWith('"7574"'))).toBe(true);
    const none = bets({ seed: 1, agency: 1, firstIndex: 0, count: 5000, winRate: 0, extraQuoteRate: 0 });
    expect(none.some((b) => b.fields.number === '7574')).toBe(false);
    expect(none.some((b) => b.row.includes(`"${b.fields.firstName}"`))).toBe(false);
  });

  it('refuses bad options with GeneratorOptionsError', () => {
    const base = { seed: 1, agency: 1, firstIndex: 0, count: 1 };
    for (const bad of [{ seed: -1 }, { seed: 2 ** 32 }, { seed: 1.5 }, { agency: 0 }, { count: -1 }, { firstIndex: 1.5 }, { winRate: 2 }, { winRate: Number.NaN }, { invalidRate: -0.1 }, { firstIndex: 99_999_999, count: 2 }]) {
      expect(() => bets({ ...base, ...bad }), JSON.stringify(bad)).toThrow(GeneratorOptionsError);
    }
  });

  it('quoteAlways quotes and doubles quotes', () => {
    expect(quoteAlways('José')).toBe('"José"');
    expect(quoteAlways('O"Brien')).toBe('"O""Brien"');
  });
});
