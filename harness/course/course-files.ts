/**
 * The files the course writes into a submission after generating the compose file:
 * `server/config.ini`, `client/config.yaml` (the skeleton's keys) and `.data/agency-N.csv`
 * (small agency files with a known number of winning bets). Text only, built here from the
 * README's tables; nothing of the system is imported.
 */

export interface CourseServerConfig {
  readonly port?: number;
  readonly ip?: string;
  readonly listenBacklog: number;
  readonly loggingLevel: string;
}

/** The skeleton's INI, as the course writes it from Python (`[DEFAULT]`, upper-case keys, `=`). */
export function serverIni(c: CourseServerConfig): string {
  return [
    '[DEFAULT]',
    `SERVER_PORT = ${c.port ?? 12345}`,
    `SERVER_IP = ${c.ip ?? 'server'}`,
    `SERVER_LISTEN_BACKLOG = ${c.listenBacklog}`,
    `LOGGING_LEVEL = ${c.loggingLevel}`,
    '',
  ].join('\n');
}

export interface CourseClientConfig {
  readonly loopAmount: number;
  readonly loopPeriod: string;
  readonly logLevel: string;
  readonly batchMaxAmount?: number;
}

/** The skeleton's YAML: server.address, loop.amount, loop.period, log.level, batch.maxAmount. */
export function clientYaml(c: CourseClientConfig): string {
  const lines = ['server:', '  address: "server:12345"', 'loop:', `  amount: ${c.loopAmount}`, `  period: "${c.loopPeriod}"`, 'log:', `  level: "${c.logLevel}"`];
  if (c.batchMaxAmount !== undefined) lines.push('batch:', `  maxAmount: ${c.batchMaxAmount}`);
  return `${lines.join('\n')}\n`;
}

/** The bet that wins the draw (README: "A bet wins with number 7574"). */
export const WINNING_NUMBER = '7574';

export interface AgencyFile {
  readonly agency: number;
  /** `first_name,last_name,document,birthdate,number` rows, LF-terminated. */
  readonly text: string;
  readonly bets: number;
  /** Documents of the winning bets. */
  readonly winners: readonly string[];
}

const FIRST = ['María José', 'Juan', 'Ñandú', 'Agustín', 'Lucía', 'Pedro'];
const LAST = ['Pérez', 'Güemes', 'Lorca', 'Fernández', 'O\'Brien', 'Gómez'];

/** `bets` rows for `agency`, the first `winners` of them with the winning number. */
export function agencyFile(agency: number, bets: number, winners: number): AgencyFile {
  if (winners > bets) throw new Error(`agency ${agency}: ${winners} winners among ${bets} bets`);
  const rows: string[] = [];
  const won: string[] = [];
  for (let i = 0; i < bets; i++) {
    const document = String(agency * 1_000_000 + i).padStart(8, '0');
    const other = 1 + ((i * 37 + agency) % 9000);
    const number = i < winners ? WINNING_NUMBER : String(other === 7574 ? 7575 : other);
    if (i < winners) won.push(document);
    rows.push([FIRST[i % FIRST.length], LAST[(i + agency) % LAST.length], document, `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`, number].join(','));
  }
  return { agency, text: rows.map((r) => `${r}\n`).join(''), bets, winners: won };
}
