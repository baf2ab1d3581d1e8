/** The checker's conclusion as HTML: a valid/invalid badge, counts, its sets and conditions. Pure. */
import type { CheckResult } from '../checker/check-result.js';
import { count, esc } from './html.js';

export function renderCheckSummary(check: CheckResult): string {
  const state = check.valid ? 'valid' : 'invalid';
  const sets = check.sets
    .map(
      (s) =>
        `<tr data-set="${esc(s.name)}" data-count="${s.count}"${s.count > 0 ? ' class="bad"' : ''}><td>${esc(s.name)}</td><td>${esc(s.meaning)}</td>` +
        `<td class="num">${count(s.count)}</td><td class="examples">${s.examples.map((x) => `<code>${esc(x)}</code>`).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const conditions = check.conditions
    .map(
      (c) =>
        `<tr data-condition="${esc(c.name)}" data-ok="${c.ok}"${c.ok ? '' : ' class="bad"'}><td>${esc(c.name)}</td>` +
        `<td class="${c.ok ? 'ok' : 'fail'}">${c.ok ? 'ok' : 'FAILED'}</td><td>${esc(c.detail)}</td></tr>`,
    )
    .join('\n');
  return [
    '<section class="check"><h2>Checker</h2>',
    `<div class="badge ${state}" data-check="${state}">${check.valid ? 'VALID' : 'INVALID'}</div>`,
    `<p class="counts">acknowledged <b data-acknowledged="${check.acknowledged}">${count(check.acknowledged)}</b> · stored <b data-stored="${check.stored}">${count(check.stored)}</b></p>`,
    '<h3>Sets</h3><table class="sets"><tr><th>set</th><th>meaning</th><th>count</th><th>examples</th></tr>',
    sets || '<tr><td colspan="4">no sets</td></tr>',
    '</table><h3>Conditions</h3><table class="conditions"><tr><th>condition</th><th>ok</th><th>detail</th></tr>',
    conditions || '<tr><td colspan="3">no conditions</td></tr>',
    '</table></section>',
  ].join('\n');
}
