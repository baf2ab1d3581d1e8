/**
 * The timeline picture as inline SVG: a shared time axis (seconds since the first entry), one
 * lane per container with its marks, down periods hatched, fault bands across their targets.
 * Size stays linear in lanes × pixel columns, never in entries. Pure.
 */
import type { TimelineEntry } from '../run/timeline.js';
import type { FaultSpan } from './fault-spans.js';
import { esc, px, seconds, truncate } from './html.js';
import { type DownPeriod, HARNESS_SOURCE } from './lanes.js';
import { type Bins, MARK_KINDS, MARK_STYLES, MarkCollector, type MarkKind, markKind } from './marks.js';

export interface TimelineShape {
  readonly entries: readonly TimelineEntry[];
  /** First and last entry time (ms). */
  readonly t0: number;
  readonly t1: number;
  readonly lanes: readonly string[];
  readonly faults: readonly FaultSpan[];
  readonly down: readonly DownPeriod[];
}

export const LABEL_W = 120;
export const PLOT_W = 1000;
const RIGHT = 16;
/** Inside the plot on both sides, so that marks centred on the first or last instant stay in. */
const PAD = 12;
const BIN_PX = 2;
const TOP = 6;
const FAULT_ROW_H = 16;
const MAX_FAULT_ROWS = 8;
const LANE_H = 30;
const AXIS_H = 34;
const TITLE_MAX = 240;
export const SVG_W = LABEL_W + PLOT_W + RIGHT;

/** 1, 2 or 5 times a power of ten, near `rough`. */
function niceStep(rough: number): number {
  const pow = 10 ** Math.floor(Math.log10(rough));
  const f = rough / pow;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * pow;
}

class Geometry {
  readonly span: number;
  readonly inner = PLOT_W - 2 * PAD;
  readonly binCount = Math.ceil(this.inner / BIN_PX);
  readonly px0 = LABEL_W;
  readonly px1 = LABEL_W + PLOT_W;
  readonly faultRows: number;
  readonly lanesTop: number;
  readonly height: number;

  constructor(readonly shape: TimelineShape) {
    this.span = Math.max(1, shape.t1 - shape.t0);
    this.faultRows = Math.min(shape.faults.length, MAX_FAULT_ROWS);
    this.lanesTop = TOP + this.faultRows * FAULT_ROW_H + (this.faultRows > 0 ? 4 : 0);
    this.height = this.lanesTop + Math.max(1, shape.lanes.length) * LANE_H + AXIS_H;
  }

  x(at: number): number {
    return this.px0 + PAD + ((at - this.shape.t0) / this.span) * this.inner;
  }

  binOf = (at: number): number => Math.floor((((at - this.shape.t0) / this.span) * this.inner) / BIN_PX);

  binTime(i: number): number {
    return this.shape.t0 + ((i * BIN_PX) / this.inner) * this.span;
  }

  laneTop(i: number): number {
    return this.lanesTop + i * LANE_H;
  }

  /** Keeps a mark `half` wide around `x` inside the plot. */
  clamp(x: number, half: number): number {
    return Math.min(this.px1 - half, Math.max(this.px0 + half, x));
  }

  rel(at: number): string {
    return seconds(at - this.shape.t0);
  }
}

function title(text: string): string {
  return `<title>${esc(truncate(text, TITLE_MAX))}</title>`;
}

function axis(g: Geometry): string {
  const spanS = g.span / 1000;
  const step = niceStep(spanS / 8);
  const digits = step >= 1 ? 0 : Math.ceil(-Math.log10(step) - 1e-9);
  const top = g.lanesTop;
  const bottom = g.laneTop(Math.max(1, g.shape.lanes.length));
  const out: string[] = [`<g class="axis"><line x1="${g.px0}" y1="${bottom}" x2="${g.px1}" y2="${bottom}"/>`];
  for (let i = 0; i * step <= spanS + step * 1e-6; i++) {
    const x = g.x(g.shape.t0 + i * step * 1000);
    const anchor = x > g.px1 - 24 ? 'end' : 'middle';
    out.push(`<line class="grid" x1="${px(x)}" y1="${top}" x2="${px(x)}" y2="${bottom + 4}"/>`);
    out.push(`<text x="${px(x)}" y="${bottom + 17}" text-anchor="${anchor}">${(i * step).toFixed(digits)}</text>`);
  }
  out.push(`<text class="axis-title" x="${LABEL_W - 8}" y="${bottom + 17}" text-anchor="end">time (s)</text></g>`);
  return out.join('');
}

function faultGroup(g: Geometry, f: FaultSpan, row: number): string {
  const end = f.heal ?? g.shape.t1;
  const x0 = g.x(f.start);
  const w = Math.max(2, g.x(end) - x0);
  const healed = f.heal !== undefined;
  const tip = `fault: ${f.text} · ${g.rel(f.start)} s → ${healed ? `healed ${g.rel(end)} s` : 'not healed'}`;
  const y = TOP + (row % MAX_FAULT_ROWS) * FAULT_ROW_H;
  const label = truncate(f.text, 60) + (healed ? '' : ' (not healed)');
  const mid = g.px0 + PLOT_W / 2;
  const labelAt = x0 < mid ? `x="${px(x0 + 2)}" text-anchor="start"` : `x="${px(x0 + w - 2)}" text-anchor="end"`;
  const parts = [
    `<g class="fault${healed ? '' : ' unhealed'}" data-fault-id="${esc(f.id)}" data-healed="${healed}">${title(tip)}`,
    `<rect class="strip" data-kind="fault" x="${px(x0)}" y="${y + 11}" width="${px(w)}" height="4"/>`,
    `<text class="fault-label" ${labelAt} y="${y + 9}">${esc(label)}</text>`,
  ];
  const rows = f.targets.map((t) => g.shape.lanes.indexOf(t)).filter((i) => i >= 0);
  if (rows.length === 0) {
    parts.push(`<rect class="band" data-kind="fault" x="${px(x0)}" y="${g.lanesTop}" width="${px(w)}" height="${g.shape.lanes.length * LANE_H}"/>`);
  }
  for (const i of rows) parts.push(`<rect class="band" data-kind="fault" data-target="${esc(g.shape.lanes[i] as string)}" x="${px(x0)}" y="${g.laneTop(i)}" width="${px(w)}" height="${LANE_H}"/>`);
  parts.push('</g>');
  return parts.join('');
}

function downRect(g: Geometry, d: DownPeriod, top: number): string {
  const x0 = g.x(d.start);
  const w = Math.max(1, g.x(d.end) - x0);
  const code = d.exit.exitCode ?? '?';
  const tip = `${d.source} down: exited with code ${code} at ${g.rel(d.start)} s, ${d.restarted ? `next log line at ${g.rel(d.end)} s` : 'no log line after it'}`;
  return `<rect data-kind="down" x="${px(x0)}" y="${top + 1}" width="${px(w)}" height="${LANE_H - 2}">${title(tip)}</rect>`;
}

function binRects(g: Geometry, kind: MarkKind, bins: Bins, top: number): string {
  const out: string[] = [];
  const [y, h] = kind === 'batch' ? [top + 8, LANE_H - 16] : [top + 2, 5];
  for (let i = 0; i < bins.counts.length; i++) {
    const n = bins.counts[i] as number;
    if (n === 0) continue;
    const opacity = 0.15 + 0.85 * Math.sqrt(n / bins.max);
    const sample = bins.samples[i];
    const tip = `${n} × ${MARK_STYLES[kind].label} · ${g.rel(g.binTime(i))}–${g.rel(g.binTime(i + 1))} s${sample ? ` · e.g. ${truncate(sample.text, 160)}` : ''}`;
    out.push(`<rect data-kind="${kind}" x="${px(g.px0 + PAD + i * BIN_PX)}" y="${y}" width="${BIN_PX}" height="${h}" fill-opacity="${opacity.toFixed(2)}">${title(tip)}</rect>`);
  }
  return out.join('');
}

function pointMark(g: Geometry, kind: MarkKind, e: TimelineEntry, cy: number): string {
  const tip = title(`${g.rel(e.at)} s · ${e.text}`);
  if (kind === 'exit') {
    const code = e.exitCode === undefined ? '?' : String(e.exitCode);
    const half = Math.max(8, code.length * 3 + 4);
    const x = g.clamp(g.x(e.at), half);
    return `<g data-kind="exit" data-code="${esc(code)}">${tip}<rect x="${px(x - half)}" y="${cy - 7}" width="${half * 2}" height="14" rx="2"/><text x="${px(x)}" y="${cy + 3.5}" text-anchor="middle">${esc(code)}</text></g>`;
  }
  const x = px(g.x(e.at));
  const xn = (d: number) => px(g.x(e.at) + d);
  switch (kind) {
    case 'connect':
      return `<circle data-kind="connect" cx="${x}" cy="${cy}" r="4.5">${tip}</circle>`;
    case 'done':
      return `<path data-kind="done" d="M${xn(-5)} ${cy + 5}H${xn(5)}L${x} ${cy - 5}Z">${tip}</path>`;
    case 'draw':
      return `<path data-kind="draw" d="M${x} ${cy - 7}L${xn(7)} ${cy}L${x} ${cy + 7}L${xn(-7)} ${cy}Z">${tip}</path>`;
    case 'winners':
      return `<rect data-kind="winners" x="${xn(-4)}" y="${cy - 4}" width="8" height="8">${tip}</rect>`;
    case 'failure':
      return `<path data-kind="failure" d="M${xn(-4)} ${cy - 4}L${xn(4)} ${cy + 4}M${xn(4)} ${cy - 4}L${xn(-4)} ${cy + 4}">${tip}</path>`;
    case 'batch':
      return `<rect data-kind="batch" x="${xn(-1)}" y="${cy - 6}" width="2" height="12">${tip}</rect>`;
  }
}

function lane(g: Geometry, name: string, i: number, collector: MarkCollector, down: readonly DownPeriod[]): string {
  const top = g.laneTop(i);
  const cy = top + LANE_H / 2;
  const parts = [
    `<g class="lane" data-lane="${esc(name)}">`,
    `<text class="lane-label" x="${LABEL_W - 8}" y="${cy + 4}" text-anchor="end">${esc(truncate(name, 14))}<title>${esc(name)}</title></text>`,
  ];
  for (const d of down) if (d.source === name) parts.push(downRect(g, d, top));
  const marks = collector.lanes.get(name);
  if (marks) {
    for (const kind of MARK_KINDS) {
      const bins = marks.bins.get(kind);
      if (bins) parts.push(binRects(g, kind, bins, top));
    }
    for (const kind of MARK_KINDS) for (const e of marks.points.get(kind) ?? []) parts.push(pointMark(g, kind, e, cy));
  }
  parts.push('</g>');
  return parts.join('');
}

/** The whole `<svg class="timeline">` element. */
export function renderTimelineSvg(shape: TimelineShape): string {
  const g = new Geometry(shape);
  const collector = new MarkCollector(g.binCount, g.binOf);
  for (const e of shape.entries) {
    if (e.source === HARNESS_SOURCE) continue;
    const kind = markKind(e);
    if (kind) collector.add(e.source, kind, e);
  }
  const lanesH = Math.max(1, shape.lanes.length) * LANE_H;
  const parts = [
    `<svg class="timeline" width="${SVG_W}" height="${g.height}" viewBox="0 0 ${SVG_W} ${g.height}" role="img" aria-label="timeline of ${shape.lanes.length} containers">`,
    '<defs><pattern id="down-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2"/></pattern></defs>',
    `<rect data-plot="" class="plot" x="${g.px0}" y="${TOP}" width="${PLOT_W}" height="${g.lanesTop - TOP + lanesH}"/>`,
  ];
  shape.lanes.forEach((_, i) => {
    if (i % 2 === 1) parts.push(`<rect class="lane-bg" x="0" y="${g.laneTop(i)}" width="${SVG_W}" height="${LANE_H}"/>`);
  });
  parts.push(axis(g));
  if (shape.lanes.length === 0) parts.push(`<text x="${g.px0 + PLOT_W / 2}" y="${g.lanesTop + 19}" text-anchor="middle">no container entries</text>`);
  shape.faults.forEach((f, row) => parts.push(faultGroup(g, f, row)));
  shape.lanes.forEach((name, i) => parts.push(lane(g, name, i, collector, shape.down)));
  parts.push('</svg>');
  return parts.join('\n');
}
