import { ConfigError } from './config-error.js';

/** Value parsers shared by the server and client configs; each names the key it failed on. */

export function parseInteger(key: string, value: string, min: number, max: number): number {
  const trimmed = value.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new ConfigError(`${key}: "${value}" is not an integer`);
  const n = Number(trimmed);
  if (n < min || n > max) throw new ConfigError(`${key}: ${n} is outside ${min}…${max}`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations as the course's YAML uses them ("5s", "100ms", "1m30s"); a bare number is seconds. */
export function parseDuration(key: string, value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) throw new ConfigError(`${key}: "${value}" is not a duration (e.g. "500ms", "5s", "1m")`);
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = part.lastIndex;
  }
  if (text === '') throw new ConfigError(`${key}: empty duration`);
  return Math.round(total);
}

/** "host:port" → parts; IPv6 hosts go in brackets. */
export function parseAddress(key: string, value: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value.trim());
  if (!m) throw new ConfigError(`${key}: "${value}" is not host:port`);
  return { host: m[1] as string, port: parseInteger(key, m[2] as string, 1, 65535) };
}
