/** The table `npm run bench:docker` prints: each figure's runs and median, next to its floor and their ratio. */
import { fmt } from '../../testbed/stats/stats.js';

export interface Figure {
  /** Every measured value (empty for a figure measured once, or derived). */
  readonly values: readonly number[];
  readonly median: number;
  readonly unit: 'ms' | 'MiB';
  /** What a derived figure is made of. */
  readonly note?: string;
}

export interface Row {
  readonly what: string;
  readonly figure: Figure;
  readonly floor?: Figure;
}

function show(value: number, unit: Figure['unit']): string {
  if (Number.isNaN(value)) return 'n/a';
  return unit === 'ms' ? (value >= 10_000 ? `${fmt(value / 1000, 1)} s` : `${fmt(value, 0)} ms`) : `${fmt(value, 1)} MiB`;
}

export function printTable(out: NodeJS.WritableStream, t: { title: string; load: string; rows: readonly Row[] }): void {
  const header = ['', 'runs', 'median', 'floor', 'ratio', 'floor is'];
  const lines = t.rows.map((r) => [
    r.what,
    r.figure.values.map((v) => show(v, r.figure.unit)).join(', '),
    show(r.figure.median, r.figure.unit),
    r.floor ? show(r.floor.median, r.floor.unit) : '',
    r.floor ? (Number.isNaN(r.floor.median) || Number.isNaN(r.figure.median) ? 'n/a' : fmt(r.figure.median / r.floor.median, 2)) : '',
    r.floor?.note ?? r.figure.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  out.write(`${t.title}\n${t.load}\n\n${row(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(row).join('\n')}\n`);
}
