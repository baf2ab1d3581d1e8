/**
 * Small text helpers for the HTML report: escaping (every text from a log goes through `esc`)
 * and number formatting. Pure.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG, in element content and in quoted attribute values alike. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Milliseconds as seconds with `digits` decimals (`1.25`). */
export function seconds(ms: number, digits = 2): string {
  return (ms / 1000).toFixed(digits);
}

/** A coordinate with at most one decimal, to keep the SVG small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** `1234567` → `1,234,567`, independent of the machine's locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
