/**
 * Where an agency's bets come from: its CSV file, read as a stream (RFC 4180, CRLF or LF,
 * optional BOM, UTF-8), or — when there is no file — the single bet of exercise 5 given by
 * NOMBRE / APELLIDO / DOCUMENTO / NACIMIENTO / NUMERO.
 *
 * Rows that cannot be used come out as `invalid` items naming the file, line and reason; they
 * take no position in the agency's stream of bets, so positions stay the same on every read.
 */
import { basename } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import type { BetFields } from '../domain/bet.js';
import { checkBet } from '../domain/validation.js';
import { betText } from '../protocol/bet-text.js';
import type { Logger } from '../log/logger.js';
import type { Disk } from '../platform/disk.js';
import { CsvBetReader } from './csv-bet-reader.js';
import { NO_BETS, packTexts, type SourceChunk } from './packed-bets.js';

export type { InvalidRow, PackedBets, SourceChunk } from './packed-bets.js';

export interface BetSource {
  /** True when the source holds exactly one bet (sent as a `bet` message, not a batch). */
  readonly single: boolean;
  /** "file /data/agency-1.csv" or "environment", for logs. */
  readonly description: string;
  /** Reads everything from the start, in chunks; each call is a fresh read. */
  read(): AsyncIterable<SourceChunk>;
}

export class NoBetsError extends Error {
  override readonly name = 'NoBetsError';
}

const READ_CHUNK = 128 * 1024;

export class CsvFileSource implements BetSource {
  readonly description: string;
  readonly single = false;

  constructor(
    readonly path: string,
    private readonly agency: number,
    private readonly log: Logger,
    private readonly disk: Disk,
  ) {
    this.description = `file ${path}`;
  }

  async *read(): AsyncIterable<SourceChunk> {
    const stream = this.disk.readStream(this.path, { highWaterMark: READ_CHUNK });
    const reader = new CsvBetReader(this.agency);
    try {
      for await (const chunk of stream) yield reader.push(chunk);
      yield reader.end();
    } finally {
      stream.destroy();
      this.log.info('close', 'success', { resource: 'file', path: this.path });
    }
  }
}

/** Exercise 5: one bet from the environment. */
export class EnvironmentSource implements BetSource {
  readonly description = 'environment';
  readonly single = true;
  constructor(private readonly fields: BetFields, private readonly agency: number) {}

  async *read(): AsyncIterable<SourceChunk> {
    const reason = checkBet(this.agency, this.fields);
    yield reason === undefined ? { bets: packTexts([betText(this.fields)]), invalid: [] } : { bets: NO_BETS, invalid: [{ line: 1, reason }] };
  }
}

const ENV_KEYS = ['NOMBRE', 'APELLIDO', 'DOCUMENTO', 'NACIMIENTO', 'NUMERO'] as const;

/**
 * The file when it exists; else the environment's bet when all five variables are set. A
 * directory in the file's place is a ConfigError: Docker leaves one where a bind-mounted host
 * file was missing (compose files of old mounted each agency file by itself).
 */
export function chooseSource(dataFile: string, agency: number, env: NodeJS.ProcessEnv, log: Logger, disk: Disk): BetSource {
  if (disk.exists(dataFile)) {
    if (disk.isDirectory(dataFile)) {
      throw new ConfigError(
        `agency file ${dataFile} is a directory: Docker creates one where a mounted host file did not exist; remove that directory on the host (e.g. .data/${basename(dataFile)}) and write the file, or mount the folder instead`,
      );
    }
    return new CsvFileSource(dataFile, agency, log, disk);
  }
  const present = ENV_KEYS.filter((k) => env[k] !== undefined && env[k] !== '');
  if (present.length === ENV_KEYS.length) {
    return new EnvironmentSource(
      { firstName: env.NOMBRE as string, lastName: env.APELLIDO as string, document: env.DOCUMENTO as string, birthdate: env.NACIMIENTO as string, number: env.NUMERO as string },
      agency,
    );
  }
  const missing = ENV_KEYS.filter((k) => !present.includes(k));
  throw new NoBetsError(
    present.length === 0
      ? `no bets: data file ${dataFile} does not exist and no NOMBRE/APELLIDO/DOCUMENTO/NACIMIENTO/NUMERO are set`
      : `no bets: data file ${dataFile} does not exist and the single bet lacks ${missing.join(', ')}`,
  );
}
