/**
 * Pure, seeded generation of bets and their CSV rows. The same (seed, agency, firstIndex, winRate,
 * invalidRate) always gives the same rows; nothing here does I/O or reads the clock. A testbed
 * tool: it imports nothing from the system.
 *
 * Rows made invalid on purpose (`invalidRate`, default none) say why (`invalid`), so that a
 * checker knows which rows a correct client must refuse without asking any validator.
 */
import { WINNING_NUMBER } from './bet-rules.js';
import { formatField, quoteAlways } from './csv.js';
import { DOCUMENT_SPACE, DocumentPermutation, Rng } from './rng.js';

/** A bet's five fields, as text, as an agency file holds them. */
export interface BetFields {
  readonly firstName: string;
  readonly lastName: string;
  readonly document: string;
  readonly birthdate: string;
  readonly number: string;
}

/** Numbers run 0 … MAX_BET_NUMBER (SPEC §3). */
export const MAX_BET_NUMBER = 9999;

/** Share of bets that carry the winning number: 5 times uniform (1 in 10,000). */
export const DEFAULT_WIN_RATE = 1 / 2000;
/** Share of fields quoted although they need no quoting (RFC 4180 allows it). */
export const EXTRA_QUOTE_RATE = 0.02;
/** Share of last names taken from the list that needs quoting (commas, quotes). */
export const QUOTED_NAME_RATE = 0.03;
/** Most bets one dataset can hold: every bet needs its own 8-digit document. */
export const MAX_DATASET_BETS = DOCUMENT_SPACE;

export const FIRST_NAMES: readonly string[] = [
  'José', 'María', 'Zoë', 'Agustín', 'Lucía', 'Martín', 'Sofía', 'Joaquín', 'Valentina', 'Ramón',
  'Inés', 'Begoña', 'Iñaki', 'Renée', 'Chloé', 'François', 'Jürgen', 'Björn', 'Søren', 'Ana',
  'Juan', 'Pedro', 'Santiago', 'Camila', 'Matías', 'Florencia', 'Tomás', 'Julián', 'Mónica', 'Raúl',
  'Héctor', 'Germán', 'Rocío', 'Belén', 'Nicolás', 'Facundo', 'Micaela', 'Andrés', 'Verónica', 'Sebastián',
  'Ángel', 'Óscar', 'Ignacio', 'Lautaro', 'Milagros', 'Gonzalo', 'María José', 'Juan Pablo', 'Ana Lía', 'Noël',
];

export const LAST_NAMES: readonly string[] = [
  'Núñez', 'Müller', 'Peña', 'Pérez', 'González', 'Rodríguez', 'Fernández', 'López', 'Martínez', 'Gómez',
  'Díaz', 'Sánchez', 'Romero', 'Álvarez', 'Benítez', 'Ibáñez', 'Muñoz', 'Castaño', 'Güemes', 'Schröder',
  'Öztürk', "D'Angelo", "O'Connor", 'Lorca', 'Sosa', 'Acosta', 'Medina', 'Herrera', 'Suárez', 'Aguirre',
  'Giménez', 'Ríos', 'Domínguez', 'Vázquez', 'Ruiz', 'Ortiz', 'Cañete', 'Nuñez del Prado', 'de la Fuente', 'Ñáñez',
];

/** Last names that must be quoted in a CSV file: commas, quotes or both. */
export const QUOTED_LAST_NAMES: readonly string[] = [
  'Pérez, Jr.', 'O"Brien', 'García, hijo', 'de la Peña, Sr.', 'Smith "Smithy"', 'Ruiz, "el Rulo"',
];

const DAY_MS = 86_400_000;
const FIRST_BIRTH_DAY = Date.UTC(1930, 0, 1) / DAY_MS;
const LAST_BIRTH_DAY = Date.UTC(2005, 11, 31) / DAY_MS;

export interface AgencyBetsOptions {
  readonly seed: number;
  /** Agency id (≥ 1): picks the agency's own random stream. */
  readonly agency: number;
  /** Position of the agency's first bet in the whole dataset: documents are unique across it. */
  readonly firstIndex: number;
  readonly count: number;
  readonly winRate?: number;
  /** Share of fields quoted although they need not be; defaults to EXTRA_QUOTE_RATE. */
  readonly extraQuoteRate?: number;
  /** Share of rows spoiled on purpose (one of INVALID_KINDS each); default 0. */
  readonly invalidRate?: number;
}

/** How a row is made invalid on purpose, each a rule of a valid bet broken (bet-rules.ts). */
export const INVALID_KINDS = ['empty first name', 'document not all digits', 'not a calendar date', 'number out of range', 'four fields'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface GeneratedBet {
  readonly fields: BetFields;
  /** The CSV row, without its line break. */
  readonly row: string;
  /** Set on a row made invalid on purpose: which rule it breaks (a correct client refuses it). */
  readonly invalid?: InvalidKind;
}

export class GeneratorOptionsError extends Error {
  override readonly name = 'GeneratorOptionsError';
}

/** A real calendar date between 1930-01-01 and 2005-12-31, as YYYY-MM-DD. */
export function birthdateOf(rng: Rng): string {
  const day = FIRST_BIRTH_DAY + rng.int(LAST_BIRTH_DAY - FIRST_BIRTH_DAY + 1);
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 7574 with probability winRate, otherwise uniform over 0 … 9999 without 7574. */
export function numberOf(rng: Rng, winRate: number): number {
  if (rng.chance(winRate)) return WINNING_NUMBER;
  const n = rng.int(MAX_BET_NUMBER);
  return n >= WINNING_NUMBER ? n + 1 : n;
}

function checkOptions(o: AgencyBetsOptions, winRate: number, extraQuoteRate: number): void {
  const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
  if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 0xffff_ffff) throw new GeneratorOptionsError(`seed ${o.seed} is not an integer from 0 to 4294967295`);
  if (!Number.isSafeInteger(o.agency) || o.agency < 1) throw new GeneratorOptionsError(`agency ${o.agency} is not a positive integer`);
  if (!isCount(o.firstIndex) || !isCount(o.count)) throw new GeneratorOptionsError(`firstIndex ${o.firstIndex} and count ${o.count} must be integers ≥ 0`);
  if (o.firstIndex + o.count > MAX_DATASET_BETS) throw new GeneratorOptionsError(`a dataset holds at most ${MAX_DATASET_BETS} bets (unique 8-digit documents)`);
  if (!(winRate >= 0 && winRate <= 1)) throw new GeneratorOptionsError(`win rate ${winRate} is not between 0 and 1`);
  if (!(extraQuoteRate >= 0 && extraQuoteRate <= 1)) throw new GeneratorOptionsError(`extra quote rate ${extraQuoteRate} is not between 0 and 1`);
  const invalidRate = o.invalidRate ?? 0;
  if (!(invalidRate >= 0 && invalidRate <= 1)) throw new GeneratorOptionsError(`invalid rate ${invalidRate} is not between 0 and 1`);
}

/** `fields` spoiled the `kind` way; the row of `four fields` drops the number. */
function spoiled(fields: BetFields, kind: InvalidKind): { fields: BetFields; cells: readonly string[] } {
  const bad: BetFields =
    kind === 'empty first name' ? { ...fields, firstName: '' }
    : kind === 'document not all digits' ? { ...fields, document: `${fields.document.slice(0, 4)}X${fields.document.slice(5)}` }
    : kind === 'not a calendar date' ? { ...fields, birthdate: `${fields.birthdate.slice(0, 4)}-02-30` }
    : kind === 'number out of range' ? { ...fields, number: String(10_000 + Number(fields.number)) }
    : fields;
  const cells = [bad.firstName, bad.lastName, bad.document, bad.birthdate, bad.number];
  return { fields: bad, cells: kind === 'four fields' ? cells.slice(0, 4) : cells };
}

/** The bets of one agency, in file order. Lazy: rows are made as they are read. */
export function* generateAgencyBets(o: AgencyBetsOptions): Generator<GeneratedBet, void, undefined> {
  const winRate = o.winRate ?? DEFAULT_WIN_RATE;
  const extraQuoteRate = o.extraQuoteRate ?? EXTRA_QUOTE_RATE;
  checkOptions(o, winRate, extraQuoteRate);
  const rng = new Rng(o.seed, o.agency);
  const documents = new DocumentPermutation(o.seed);
  const invalidRate = o.invalidRate ?? 0;
  const cell = (value: string): string => (rng.chance(extraQuoteRate) ? quoteAlways(value) : formatField(value));
  for (let i = 0; i < o.count; i++) {
    const fields: BetFields = {
      firstName: rng.pick(FIRST_NAMES),
      lastName: rng.chance(QUOTED_NAME_RATE) ? rng.pick(QUOTED_LAST_NAMES) : rng.pick(LAST_NAMES),
      document: documents.documentAt(o.firstIndex + i),
      birthdate: birthdateOf(rng),
      number: String(numberOf(rng, winRate)),
    };
    // Drawn only when asked for, so that the valid sets keep their bytes.
    if (invalidRate > 0 && rng.chance(invalidRate)) {
      const invalid = rng.pick(INVALID_KINDS);
      const bad = spoiled(fields, invalid);
      yield { fields: bad.fields, row: bad.cells.map(cell).join(','), invalid };
      continue;
    }
    const row = `${cell(fields.firstName)},${cell(fields.lastName)},${cell(fields.document)},${cell(fields.birthdate)},${cell(fields.number)}`;
    yield { fields, row };
  }
}
