/**
 * `npm run dataset -- --out DIR [--seed N] [--sizes a,b,c | --agencies N --bets M] [--eol lf|crlf|mixed] [--bom] [--win-rate X] [--invalid-rate X]`
 * A thin layer over generateDataset: parses options, writes the files, prints a summary.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SEED, DEFAULT_SIZES, EOL_MODES, generateDataset, type DatasetManifest, type DatasetOptions, type EolMode } from './dataset.js';
import { DEFAULT_WIN_RATE } from './generator.js';

export const USAGE = `Usage: npm run dataset -- --out DIR [options]

Writes agency-1.csv … agency-N.csv (first_name,last_name,document,birthdate,number; no header)
and manifest.json (seed, sizes, expected winners per agency, the rows made invalid on purpose
with their line and reason) into DIR. Same options, same bytes.

Options:
  --out DIR          folder to write into (created if missing; agency-K.csv with K > N are removed)
  --seed N           integer 0 … 4294967295 (default ${DEFAULT_SEED})
  --sizes a,b,c      bets per agency (default ${DEFAULT_SIZES.join(',')})
  --agencies N       N agencies of --bets M bets each (instead of --sizes)
  --bets M
  --eol MODE         lf, crlf or mixed (default mixed: CRLF for odd agencies, LF for even)
  --bom              start each file with a UTF-8 byte order mark
  --win-rate X       share of bets with the winning number 7574 (default ${DEFAULT_WIN_RATE})
  --invalid-rate X   share of rows made invalid on purpose, each listed in the manifest (default 0)
  --json             print the manifest as JSON instead of a table
  --help             this text
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CliCommand = { readonly kind: 'help' } | { readonly kind: 'generate'; readonly options: DatasetOptions; readonly json: boolean };

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} ${JSON.stringify(value)} is not a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} ${value} is outside ${min} … ${max}`);
  return n;
}

/** A share from 0 to 1, or undefined when the option is not given. */
function share(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name} ${value} is not a number from 0 to 1`);
  return n;
}

/** Parses the command line (without `node script`). Throws UsageError on anything wrong. */
export function parseCli(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        sizes: { type: 'string' },
        agencies: { type: 'string' },
        bets: { type: 'string' },
        eol: { type: 'string' },
        bom: { type: 'boolean' },
        'win-rate': { type: 'string' },
        'invalid-rate': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  if (values.help) return { kind: 'help' };
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required');
  if (values.sizes !== undefined && (values.agencies !== undefined || values.bets !== undefined)) {
    throw new UsageError('give either --sizes or --agencies with --bets, not both');
  }
  if ((values.agencies === undefined) !== (values.bets === undefined)) throw new UsageError('--agencies and --bets go together');
  let sizes: number[] | undefined;
  if (values.sizes !== undefined) {
    sizes = values.sizes.trim() === '' ? [] : values.sizes.split(',').map((s) => integer('sizes', s, 0, 100_000_000));
  } else if (values.agencies !== undefined && values.bets !== undefined) {
    sizes = new Array<number>(integer('agencies', values.agencies, 0, 10_000)).fill(integer('bets', values.bets, 0, 100_000_000));
  }
  const eol = values.eol ?? 'mixed';
  if (!(EOL_MODES as readonly string[]).includes(eol)) throw new UsageError(`--eol ${eol} is not one of ${EOL_MODES.join(', ')}`);
  const winRate = share('win-rate', values['win-rate']);
  const invalidRate = share('invalid-rate', values['invalid-rate']);
  const options: DatasetOptions = {
    dir: values.out,
    seed: values.seed === undefined ? DEFAULT_SEED : integer('seed', values.seed, 0, 0xffff_ffff),
    eol: eol as EolMode,
    bom: values.bom ?? false,
    ...(sizes === undefined ? {} : { sizes }),
    ...(winRate === undefined ? {} : { winRate }),
    ...(invalidRate === undefined ? {} : { invalidRate }),
  };
  return { kind: 'generate', options, json: values.json ?? false };
}

export function formatSummary(dir: string, manifest: DatasetManifest, ms: number): string {
  const lines = [`dataset in ${dir}: seed ${manifest.seed}, ${manifest.agencies.length} agencies, ${manifest.totalBets} bets, eol ${manifest.eol}${manifest.bom ? ', BOM' : ''}, ${ms} ms`];
  lines.push('agency  file              bets      eol   winners  invalid rows');
  for (const a of manifest.agencies) {
    lines.push(`${String(a.agency).padStart(6)}  ${a.file.padEnd(16)}  ${String(a.bets).padStart(8)}  ${a.eol.padEnd(4)}  ${String(a.winners.length).padStart(7)}  ${a.invalid.length}`);
  }
  const winners = manifest.agencies.reduce((n, a) => n + a.winners.length, 0);
  lines.push(`total winners: ${winners}`);
  return lines.join('\n');
}

export async function main(args: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`dataset: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = Date.now();
  const manifest = await generateDataset(command.options);
  const ms = Date.now() - started;
  process.stdout.write((command.json ? JSON.stringify(manifest) : formatSummary(command.options.dir, manifest, ms)) + '\n');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `npm run dataset -- --help | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`dataset: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
