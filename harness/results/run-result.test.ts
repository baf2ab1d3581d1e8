import { describe, expect, it } from 'vitest';
import { Timeline } from '../run/timeline.js';
import { parseBetsCsv, phaseTimes } from './run-result.js';

describe('phaseTimes', () => {
  it('reads phase times from 200,000 batch lines (a --scale 20 --batch-max 10 run logs 157,394): no spread of a long list', () => {
    const timeline = new Timeline();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    timeline.addLine('client1', 'action: connect | result: success', new Date(base).toISOString());
    for (let i = 0; i < 200_000; i++) {
      timeline.add({ at: base + 1 + i, source: 'server', kind: 'log', text: '', event: { time: undefined, level: 'INFO', action: 'apuesta_recibida', result: 'success', details: {} } });
    }
    timeline.addLine('client1', 'action: consulta_ganadores | result: success | cant_ganadores: 0', new Date(base + 300_000).toISOString());
    expect(phaseTimes(timeline)).toEqual({ firstConnect: base, lastBatch: base + 200_000, draw: undefined, lastWinners: base + 300_000 });
  });
});

describe('parseBetsCsv', () => {
  it("reads bets.csv with csv-parse: quoted commas, quotes and accents; each row's agency and number as numbers", async () => {
    const stored = await parseBetsCsv('1,José,"Pérez, Jr.",00412345,2000-02-29,7574\r\n2,Zoë,"O""Brien",7,1990-01-01,0042\n');
    expect(stored).toEqual({
      lines: 2,
      rows: [
        { agency: 1, firstName: 'José', lastName: 'Pérez, Jr.', document: '00412345', birthdate: '2000-02-29', number: 7574 },
        { agency: 2, firstName: 'Zoë', lastName: 'O"Brien', document: '7', birthdate: '1990-01-01', number: 42 },
      ],
      malformed: [],
      tornTail: false,
    });
  });

  it('reports malformed rows with their line, and a torn last line', async () => {
    const stored = await parseBetsCsv('1,A,B,1,1990-01-01,1\nx,A,B,2,1990-01-01,2\n1,A,B,3,1990-01-01\n1,A,B,5,1990-01-01,5\n1,"A,B,6');
    expect(stored.rows.map((r) => r.document)).toEqual(['1', '5']);
    expect(stored.malformed.map((m) => m.at).sort()).toEqual(['line 5', 'row 2', 'row 3']);
    expect(stored.malformed.find((m) => m.at === 'line 5')?.reason).toMatch(/Quote Not Closed/);
    expect(stored.tornTail).toBe(true);
    expect(stored.lines).toBe(4);
    // Strict for a file the system wrote: a stray character after a closing quote is malformed.
    const strict = await parseBetsCsv('1,"A"x,B,4,1990-01-01,4\n');
    expect(strict.rows).toEqual([]);
    expect(strict.malformed[0]?.at).toBe('line 1');
  });
});
