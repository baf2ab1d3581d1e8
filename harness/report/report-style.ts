/** The report's inline stylesheet: mark colours come from MARK_STYLES, keyed by `data-kind`. */
import { MARK_KINDS, MARK_STYLES } from './marks.js';

const markColours = MARK_KINDS.filter((k) => k !== 'failure' && k !== 'exit')
  .map((k) => `[data-kind=${k}],.k-${k}{fill:${MARK_STYLES[k].colour}}`)
  .join('\n');

export const REPORT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px 20px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 6px}
h2{font-size:17px;margin:22px 0 6px}
h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0}
td,th{border:1px solid #d0d0d0;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.summary{color:#555;margin:4px 0 10px}
svg.timeline{display:block;overflow:visible}
svg.timeline text{font:11px ui-monospace,"DejaVu Sans Mono",monospace;fill:#555}
svg.timeline .lane-label{font-size:12px;fill:#222}
.plot{fill:#fdfdfd;stroke:#c8c8c8}
.lane-bg{fill:#f2f4f8}
.axis line{stroke:#888}
.axis .grid{stroke:#e4e4e4}
${markColours}
path[data-kind=failure],.k-failure path{stroke:${MARK_STYLES.failure.colour};stroke-width:2;fill:none}
rect[data-kind=failure]{fill:${MARK_STYLES.failure.colour}}
[data-kind=exit] rect,.k-exit rect{fill:${MARK_STYLES.exit.colour}}
svg [data-kind=exit] text{fill:#fff;font-weight:bold;font-size:9px}
[data-kind=down],.k-down{fill:url(#down-hatch);fill-opacity:.85}
.legend .k-down{fill:#bdbdbd}
.fault .band,.k-fault{fill:#f2b134;fill-opacity:.22;stroke:#d99a1a;stroke-dasharray:4 3}
.fault .strip{fill:#e0900f}
.fault.unhealed .band,.k-unhealed{fill:#d62728;fill-opacity:.12;stroke:#d62728;stroke-dasharray:4 3}
.fault.unhealed .strip{fill:#d62728}
svg.timeline .fault-label{font:11px system-ui,sans-serif;fill:#6b4300}
svg.timeline .unhealed .fault-label{fill:#a31515}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:8px 0 4px;font-size:12px;max-width:1136px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.legend small{color:#777}
.badge{display:inline-block;font:bold 26px system-ui,sans-serif;padding:6px 26px;border-radius:8px;color:#fff;letter-spacing:.05em}
.badge.valid{background:#2a9d3a}
.badge.invalid{background:#c62828}
tr.bad td{background:#fdecea}
td.ok{color:#2a7d2a}
td.fail{color:#c62828;font-weight:bold}
td.examples code{font-size:12px}
pre#layout-check{font-size:11px;color:#777;white-space:pre-wrap}
`;
