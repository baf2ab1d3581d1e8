import { ConfigError } from './config-error.js';

/**
 * INI files read by the rules of Python's `configparser.ConfigParser()` with its defaults, the
 * way the course's own server reads them:
 * - `[SECTION]` headers; section names are case-sensitive, `[DEFAULT]` is the default section and
 *   its keys are seen from every section;
 * - `key = value` or `key: value` (the first `=` or `:` splits), keys case-insensitive (stored
 *   lower-case), keys and values stripped;
 * - whole-line comments starting with `#` or `;` (no inline comments: `a = 1 ; x` is "1 ; x");
 * - a value continues on the following more-indented lines (joined with a line break);
 * - `%(key)s` refers to another key of the same section or of DEFAULT, `%%` is a `%`;
 * - errors: a key line before any section header, a line that is not `key = value`, a key or
 *   section given twice.
 */
export interface IniEntry {
  /** The key as written (its case kept, for messages and reports). */
  readonly key: string;
  readonly value: string;
  /** 1-based line of the key. */
  readonly line: number;
}

export type IniSection = ReadonlyMap<string, IniEntry>;

export class IniDocument {
  constructor(
    readonly source: string,
    /** Section name → lower-case key → entry, in file order; DEFAULT always present. */
    readonly sections: ReadonlyMap<string, IniSection>,
  ) {}

  /** The section's keys merged over DEFAULT's (as configparser shows them), values interpolated. */
  section(name: string): Map<string, IniEntry> {
    const own = this.sections.get(name);
    const merged = new Map<string, IniEntry>(this.sections.get(DEFAULT_SECTION));
    if (own !== undefined && name !== DEFAULT_SECTION) for (const [k, e] of own) merged.set(k, e);
    const out = new Map<string, IniEntry>();
    for (const [k, e] of merged) out.set(k, { ...e, value: this.interpolate(e, merged, 0) });
    return out;
  }

  private interpolate(entry: IniEntry, scope: ReadonlyMap<string, IniEntry>, depth: number): string {
    const where = `${this.source}:${entry.line}: ${entry.key}`;
    if (depth > MAX_INTERPOLATION_DEPTH) throw new ConfigError(`${where}: %(…)s references nest deeper than ${MAX_INTERPOLATION_DEPTH} (a loop?)`);
    return entry.value.replace(/%(%|\(([^)]*)\)s|)/g, (whole, what: string, name: string | undefined) => {
      if (what === '%') return '%';
      if (name === undefined) throw new ConfigError(`${where}: a lone '%' must be written '%%' (configparser interpolation): ${JSON.stringify(entry.value)}`);
      const target = scope.get(name.toLowerCase());
      if (target === undefined) throw new ConfigError(`${where}: ${whole} names no key of its section or of [DEFAULT]`);
      return this.interpolate(target, scope, depth + 1);
    });
  }
}

export const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;
const SECTION = /^\[(?<name>.+)\]/;
const OPTION = /^(?<key>.*?)\s*[=:]\s*(?<value>.*)$/;

export function parseIni(text: string, source = 'config'): IniDocument {
  const sections = new Map<string, Map<string, IniEntry>>([[DEFAULT_SECTION, new Map()]]);
  const seenSections = new Set<string>();
  let current: Map<string, IniEntry> | undefined;
  /** The value a more-indented line continues: its parts so far, and the indentation of its key. */
  let open: { parts: string[]; indent: number } | undefined;
  const values = new Map<IniEntry, string[]>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const stripped = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    if (stripped === '') {
      // A blank line belongs to a value only if a continuation follows (trailing ones are cut).
      open?.parts.push('');
      return;
    }
    if (open !== undefined && indent > open.indent) {
      open.parts.push(stripped);
      return;
    }
    open = undefined;
    const header = SECTION.exec(stripped);
    if (header) {
      const name = header.groups?.name as string;
      if (name !== DEFAULT_SECTION && seenSections.has(name)) throw new ConfigError(`${source}:${lineNo}: section [${name}] appears twice`);
      seenSections.add(name);
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      return;
    }
    if (current === undefined) {
      throw new ConfigError(`${source}:${lineNo}: no section header before ${JSON.stringify(raw)} (start the file with [DEFAULT])`);
    }
    const option = OPTION.exec(stripped);
    const key = option?.groups?.key ?? '';
    if (option === null || key === '') throw new ConfigError(`${source}:${lineNo}: expected "key = value" or "key: value", got ${JSON.stringify(raw)}`);
    const lower = key.toLowerCase();
    const earlier = current.get(lower);
    if (earlier !== undefined) throw new ConfigError(`${source}:${lineNo}: ${key} is set twice in its section (first on line ${earlier.line})`);
    const entry: IniEntry = { key, value: '', line: lineNo };
    current.set(lower, entry);
    open = { parts: [option.groups?.value ?? ''], indent };
    values.set(entry, open.parts);
  });
  // Multi-line values joined as configparser does: line breaks between parts, trailing blanks cut.
  const joined = new Map<string, IniSection>();
  for (const [name, section] of sections) {
    joined.set(name, new Map([...section].map(([k, e]) => [k, { ...e, value: (values.get(e) ?? [e.value]).join('\n').trimEnd() }])));
  }
  return new IniDocument(source, joined);
}
