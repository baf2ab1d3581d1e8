/**
 * The report's inline script: once the page has laid out, it measures the timeline with
 * getBoundingClientRect and writes what it found as JSON into `<pre id="layout-check">`:
 *
 *   {"lanes":4,"hiddenLabels":0,"marks":123,"outside":0,"overlaps":0,"faultBands":1,…}
 *
 * lanes: lane groups; hiddenLabels: lane labels not visible or not inside the SVG; marks:
 * elements with data-kind; outside: marks and fault labels not horizontally inside the plot
 * area; overlaps: pairs of lane labels whose boxes intersect; faultBands: fault groups.
 * Plain ES2017, no network; the browser test reads the JSON.
 */
export interface LayoutFindings {
  readonly lanes: number;
  readonly hiddenLabels: number;
  readonly marks: number;
  readonly outside: number;
  readonly overlaps: number;
  readonly faultBands: number;
  /** Up to 5 descriptions of what was outside or overlapping, for a failing test's message. */
  readonly problems: readonly string[];
}

export const LAYOUT_CHECK_SCRIPT = String.raw`(function () {
  var EPS = 0.5;
  function box(el) { return el.getBoundingClientRect(); }
  function describe(el, r) {
    return (el.getAttribute('data-kind') || el.getAttribute('class') || el.tagName) + ' x=' + r.left.toFixed(1) + '..' + r.right.toFixed(1);
  }
  function check() {
    var pre = document.getElementById('layout-check');
    if (!pre) return;
    var svg = document.querySelector('svg.timeline');
    var plotEl = svg && svg.querySelector('[data-plot]');
    if (!svg || !plotEl) { pre.textContent = JSON.stringify({ error: 'no timeline' }); return; }
    var s = box(svg), p = box(plotEl), problems = [];
    function note(text) { if (problems.length < 5) problems.push(text); }
    var out = { lanes: 0, hiddenLabels: 0, marks: 0, outside: 0, overlaps: 0, faultBands: 0, problems: problems };
    var lanes = svg.querySelectorAll('g[data-lane]'), labels = [];
    out.lanes = lanes.length;
    for (var i = 0; i < lanes.length; i++) {
      var label = lanes[i].querySelector('.lane-label');
      var name = lanes[i].getAttribute('data-lane');
      if (!label) { out.hiddenLabels++; note('lane ' + name + ' has no label'); continue; }
      var r = box(label), st = getComputedStyle(label);
      var visible = r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && Number(st.opacity) > 0 &&
        r.left >= s.left - EPS && r.right <= s.right + EPS && r.top >= s.top - EPS && r.bottom <= s.bottom + EPS;
      if (!visible) { out.hiddenLabels++; note('label of ' + name + ' not visible inside the svg'); }
      labels.push({ name: name, r: r });
    }
    for (var a = 0; a < labels.length; a++) {
      for (var b = a + 1; b < labels.length; b++) {
        var x = labels[a].r, y = labels[b].r;
        if (x.left < y.right - EPS && y.left < x.right - EPS && x.top < y.bottom - EPS && y.top < x.bottom - EPS) {
          out.overlaps++; note('labels ' + labels[a].name + ' and ' + labels[b].name + ' overlap');
        }
      }
    }
    function inside(list, counted) {
      for (var k = 0; k < list.length; k++) {
        var m = box(list[k]);
        if (counted) out.marks++;
        if (m.left < p.left - EPS || m.right > p.right + EPS) { out.outside++; note(describe(list[k], m) + ' outside plot ' + p.left.toFixed(1) + '..' + p.right.toFixed(1)); }
      }
    }
    inside(svg.querySelectorAll('[data-kind]'), true);
    inside(svg.querySelectorAll('.fault-label'), false);
    out.faultBands = svg.querySelectorAll('[data-fault-id]').length;
    pre.textContent = JSON.stringify(out);
    pre.setAttribute('data-state', 'measured');
  }
  check();
  window.addEventListener('load', check);
})();`;
