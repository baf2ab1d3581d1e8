import { describe, expect, it } from 'vitest';
import { Timeline } from '../run/timeline.js';
import { faultSpans } from './fault-spans.js';
import { compareLanes, downPeriods, laneNames } from './lanes.js';
import { markKind } from './marks.js';
import { HOSTILE_TEXT, syntheticBatches, syntheticCheck, syntheticRun } from './synthetic-run.js';
import { REPORT_CSP, renderTimelineReport } from './timeline-report.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const line = (action: string, result = 'success', extra = '') => `action: ${action} | result: ${result}${extra}`;

function attrs(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map((m) => m[1] as string);
}

describe('renderTimelineReport', () => {
  it('escapes log text: a <script> in a log line never reaches the page as markup', () => {
    const t = new Timeline();
    t.addLine('client1', line('apuestas_enviadas', 'fail', ` | detail: ${HOSTILE_TEXT}`), iso(0));
    t.addLine('server', line('sorteo'), iso(1));
    const html = renderTimelineReport({ title: `run <b>x</b> & "y"`, entries: t.entries, facts: { note: '<img src=x>' } });
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('<title>run &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;</title>');
    // The only script is the layout check.
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('escapes the checker examples and facts as well', () => {
    const html = renderTimelineReport({ title: 't', entries: syntheticRun().entries, check: syntheticCheck() });
    expect(html).toContain('2,Eva,&lt;b&gt;Ruiz&lt;/b&gt;,11111111');
    expect(html).toMatch(/<tr data-set="lost" data-count="3"/);
    expect(html).toContain('data-check="invalid"');
    expect(html).toMatch(/data-condition="acknowledged = stored" data-ok="false"/);
  });

  it('draws one band per fault id, healed ones up to their heal, others flagged not healed', () => {
    const t = new Timeline();
    t.addLine('server', line('servidor_escuchando'), iso(0));
    t.add({ at: T0 + 1000, source: 'harness', kind: 'fault', text: 'SIGKILL server → server', event: undefined, faultId: 7, targets: ['server'] });
    t.add({ at: T0 + 2000, source: 'harness', kind: 'fault', text: 'pause client1 → client1', event: undefined, faultId: 8, targets: ['client1'] });
    t.add({ at: T0 + 2500, source: 'harness', kind: 'heal', text: 'start server', event: undefined, faultId: 7, targets: ['server'] });
    t.addLine('client1', line('connect'), iso(4));
    const spans = faultSpans(t.entries);
    expect(spans.map((s) => [s.id, s.start - T0, s.heal === undefined ? undefined : s.heal - T0])).toEqual([
      ['7', 1000, 2500],
      ['8', 2000, undefined],
    ]);
    const html = renderTimelineReport({ title: 'faults', entries: t.entries });
    expect(attrs(html, 'data-fault-id')).toEqual(['7', '8']);
    expect(html).toMatch(/data-fault-id="7" data-healed="true"/);
    expect(html).toMatch(/data-fault-id="8" data-healed="false"/);
    expect(html).toContain('pause client1 → client1 (not healed)');
    // The band covers its target's lane only; the table lists start, heal and duration.
    expect(html).toMatch(/data-fault-id="7"[^]*?class="band" data-kind="fault" data-target="server"/);
    expect(html).toMatch(/<tr data-fault-row="7"><td>SIGKILL server → server<\/td><td>server<\/td><td class="num">1.00<\/td><td class="num">2.50<\/td><td class="num">1.50<\/td><\/tr>/);
    expect(html).toMatch(/<tr data-fault-row="8">.*not healed/);
  });

  it('takes fault targets from the harness text when the entry has none', () => {
    const t = new Timeline();
    t.add({ at: T0, source: 'harness', kind: 'fault', text: 'SIGKILL clients → client1, client2', event: undefined });
    expect(faultSpans(t.entries)).toMatchObject([{ id: 'seq-0', targets: ['client1', 'client2'], heal: undefined }]);
  });

  it('orders lanes server, client1, client2, client10, then others; harness gets no lane', () => {
    const t = new Timeline();
    for (const source of ['probe-1', 'client10', 'harness', 'client2', 'net-1', 'server', 'client1', 'probe-10', 'probe-2']) t.addLine(source, line('connect'), iso(0));
    const html = renderTimelineReport({ title: 'lanes', entries: t.entries });
    expect(attrs(html, 'data-lane')).toEqual(['server', 'client1', 'client2', 'client10', 'net-1', 'probe-1', 'probe-2', 'probe-10']);
    expect(['b', 'client3', 'server', 'a'].sort(compareLanes)).toEqual(['server', 'client3', 'a', 'b']);
    expect(laneNames([], ['client2', 'harness', 'server'])).toEqual(['server', 'client2']);
  });

  it('contains no URL of any kind, and a CSP that forbids fetching', () => {
    const html = renderTimelineReport({ title: 'urls', entries: syntheticRun().entries, check: syntheticCheck(), facts: { seed: '42' } });
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\bsrc=|<link|@import|@font-face/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replace(/'/g, '&#39;')}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
  });

  it('marks every kind of event of the synthetic run, and the server down period from exit to restart', () => {
    const run = syntheticRun();
    const html = renderTimelineReport({ title: 'kinds', entries: run.entries });
    const kinds = new Set(attrs(html, 'data-kind'));
    expect([...kinds].sort()).toEqual(['batch', 'connect', 'done', 'down', 'draw', 'exit', 'failure', 'fault', 'winners']);
    expect(html).toMatch(/<g data-kind="exit" data-code="137">/);
    const down = downPeriods(run.entries, T0 + 10_000).find((d) => d.source === 'server');
    expect(down).toMatchObject({ start: T0 + 1050, end: T0 + 1600, restarted: true });
    expect(html).toContain('server down: exited with code 137 at 1.05 s, next log line at 1.60 s');
  });

  it('classifies lines by action and result', () => {
    const t = new Timeline();
    const kinds = [
      line('apuestas_enviadas', 'success', ' | cantidad: 50 | enviadas: 100'),
      line('apuesta_recibida'),
      line('apuestas_enviadas', 'fail'),
      line('connect', 'in_progress'),
      line('agencia_conectada'),
      line('ganadores'),
      'a stack trace line',
    ].map((text) => markKind(t.addLine('x', text)));
    expect(kinds).toEqual(['batch', 'batch', 'failure', undefined, 'connect', 'winners', undefined]);
  });

  it('stays under 2 MB for 200 000 batch lines: batches are density bars, not one element each', () => {
    const entries = syntheticBatches(200_000).entries;
    const started = performance.now();
    const html = renderTimelineReport({ title: 'big', entries });
    const ms = performance.now() - started;
    expect(html.length).toBeLessThan(2_000_000);
    const batchMarks = attrs(html, 'data-kind').filter((k) => k === 'batch').length;
    expect(batchMarks).toBeGreaterThan(0);
    expect(batchMarks).toBeLessThanOrEqual(6 * 500);
    expect(ms).toBeLessThan(5_000);
  });

  it('renders an empty run without failing', () => {
    const html = renderTimelineReport({ title: 'empty', entries: [] });
    expect(html).toContain('no container entries');
    expect(attrs(html, 'data-lane')).toEqual([]);
  });
});
