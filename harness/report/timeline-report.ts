/**
 * A self-contained HTML report of a harness run: facts, the timeline picture (lanes, marks,
 * down periods, fault bands), a legend, the faults table and the checker's conclusion. Inline
 * CSS and SVG only, a CSP that forbids every fetch, and every log text escaped.
 *
 *   writeFileSync('report.html', renderTimelineReport({ title, entries: timeline.entries, check }));
 */
import type { CheckResult } from '../checker/check-result.js';
import type { TimelineEntry } from '../run/timeline.js';
import { renderCheckSummary } from './check-summary.js';
import { type FaultSpan, faultSpans } from './fault-spans.js';
import { count, esc, seconds } from './html.js';
import { downPeriods, laneNames } from './lanes.js';
import { LAYOUT_CHECK_SCRIPT } from './layout-check.js';
import { MARK_KINDS, MARK_STYLES, type MarkKind } from './marks.js';
import { REPORT_CSS } from './report-style.js';
import { renderTimelineSvg } from './timeline-svg.js';

export interface ReportInput {
  /** e.g. "run abc123 · seed 42" */
  readonly title: string;
  readonly entries: readonly TimelineEntry[];
  readonly check?: CheckResult;
  /** Free key/values for the header table (seed, dataset, wall time). */
  readonly facts?: Readonly<Record<string, string>>;
}

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const SWATCH: Readonly<Record<MarkKind, string>> = {
  connect: '<circle cx="7" cy="7" r="4.5"/>',
  batch: '<rect x="1" y="3" width="12" height="8" fill-opacity=".7"/>',
  done: '<path d="M2 12H12L7 2Z"/>',
  draw: '<path d="M7 0L14 7L7 14L0 7Z"/>',
  winners: '<rect x="3" y="3" width="8" height="8"/>',
  failure: '<path d="M3 3L11 11M11 3L3 11"/>',
  exit: '<rect x="0" y="2" width="14" height="10" rx="2"/>',
};

function swatch(cls: string, inner: string): string {
  return `<svg class="${cls}" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">${inner}</svg>`;
}

function legend(): string {
  const items = MARK_KINDS.map((k) => `<span data-legend="${k}">${swatch(`k-${k}`, SWATCH[k])}${esc(MARK_STYLES[k].label)} <small>${esc(MARK_STYLES[k].meaning)}</small></span>`);
  items.push(`<span data-legend="fault">${swatch('', '<rect class="k-fault" x="1" y="1" width="12" height="12"/>')}fault <small>from the fault to its heal</small></span>`);
  items.push(`<span data-legend="unhealed">${swatch('', '<rect class="k-unhealed" x="1" y="1" width="12" height="12"/>')}fault not healed <small>until the end</small></span>`);
  items.push(`<span data-legend="down">${swatch('', '<rect class="k-down" x="1" y="1" width="12" height="12"/>')}down <small>from an exit to the next log line</small></span>`);
  return `<div class="legend">${items.join('\n')}</div>`;
}

function factsTable(facts: Readonly<Record<string, string>>): string {
  const rows = Object.entries(facts).map(([k, v]) => `<tr data-fact="${esc(k)}"><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  return rows.length > 0 ? `<table class="facts">${rows.join('\n')}</table>` : '';
}

function faultTable(faults: readonly FaultSpan[], t0: number): string {
  if (faults.length === 0) return '<section class="faults"><h2>Faults</h2><p>No faults were injected.</p></section>';
  const rows = faults.map((f) => {
    const heal = f.heal === undefined ? '<td class="fail">not healed</td><td class="num">–</td>' : `<td class="num">${seconds(f.heal - t0)}</td><td class="num">${seconds(f.heal - f.start)}</td>`;
    return `<tr data-fault-row="${esc(f.id)}"><td>${esc(f.text)}</td><td>${esc(f.targets.join(', ') || 'all')}</td><td class="num">${seconds(f.start - t0)}</td>${heal}</tr>`;
  });
  return [
    '<section class="faults"><h2>Faults</h2><table><tr><th>fault</th><th>targets</th><th>start s</th><th>heal s</th><th>duration s</th></tr>',
    ...rows,
    '</table></section>',
  ].join('\n');
}

function timeRange(entries: readonly TimelineEntry[]): [number, number] {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const e of entries) {
    if (e.at < t0) t0 = e.at;
    if (e.at > t1) t1 = e.at;
  }
  return Number.isFinite(t0) ? [t0, t1] : [0, 0];
}

/** The whole HTML document. Linear in the entries; its size grows with lanes, not lines. */
export function renderTimelineReport(input: ReportInput): string {
  const { entries } = input;
  const [t0, t1] = timeRange(entries);
  const faults = faultSpans(entries);
  const lanes = laneNames(entries, faults.flatMap((f) => f.targets));
  const down = downPeriods(entries, t1);
  const svg = renderTimelineSvg({ entries, t0, t1, lanes, faults, down });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(input.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head><body>',
    `<h1>${esc(input.title)}</h1>`,
    factsTable(input.facts ?? {}),
    `<p class="summary">${count(entries.length)} entries · ${lanes.length} containers · ${seconds(t1 - t0)} s from the first entry to the last · ${faults.length} faults</p>`,
    '<section class="timeline">',
    svg,
    legend(),
    '</section>',
    faultTable(faults, t0),
    input.check ? renderCheckSummary(input.check) : '',
    '<h2>Layout check</h2><pre id="layout-check" data-state="pending">not measured (needs a browser)</pre>',
    `<script>${LAYOUT_CHECK_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
