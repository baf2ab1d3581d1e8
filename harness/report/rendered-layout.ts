/**
 * What a report looks like once a browser has laid it out: the page's own layout check (see
 * layout-check.ts) read back from the DOM that headless Chromium dumps after the scripts ran.
 */
import { type ChromiumOptions, dumpDom } from './chromium.js';
import type { LayoutFindings } from './layout-check.js';

export class LayoutCheckError extends Error {
  override readonly name = 'LayoutCheckError';
}

export interface RenderedLayout {
  readonly findings: LayoutFindings;
  /** The DOM after rendering. */
  readonly dom: string;
}

function unescapeText(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export async function renderedLayout(htmlFile: string, options: ChromiumOptions = {}): Promise<RenderedLayout> {
  const dom = await dumpDom(htmlFile, options);
  const pre = /<pre id="layout-check"[^>]*data-state="measured"[^>]*>([^<]*)<\/pre>/.exec(dom) ?? /<pre id="layout-check"[^>]*>([^<]*)<\/pre>/.exec(dom);
  if (!pre) throw new LayoutCheckError('no <pre id="layout-check"> in the dumped DOM');
  const text = unescapeText(pre[1] as string);
  if (!text.startsWith('{')) throw new LayoutCheckError(`the layout check did not run: ${JSON.stringify(text.slice(0, 80))}`);
  return { findings: JSON.parse(text) as LayoutFindings, dom };
}
