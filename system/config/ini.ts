import { ConfigError } from './config-error.js';

/**
 * The course's INI files (Python configparser style): `[SECTION]` headers, `key = value` or
 * `key: value`, comments starting with `;` or `#`. Keys keep their case. Returns the sections;
 * values of `[DEFAULT]` are what the server reads.
 */
export function parseIni(text: string, source = 'config'): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>([['DEFAULT', new Map()]]);
  let current = sections.get('DEFAULT') as Map<string, string>;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = (header[1] as string).trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      return;
    }
    const sep = line.search(/[=:]/);
    if (sep <= 0) throw new ConfigError(`${source}:${i + 1}: expected "key = value", got ${JSON.stringify(raw)}`);
    const key = line.slice(0, sep).trim();
    let value = line.slice(sep + 1).trim();
    // An inline comment needs whitespace before it, as in configparser.
    const comment = value.search(/\s[;#]/);
    if (comment >= 0) value = value.slice(0, comment).trim();
    current.set(key, value);
  });
  return sections;
}
