/** Test support: the real agency client in this process, with its log in memory. */
import { writeFileSync } from 'node:fs';
import type { BetFields } from '../domain/bet.js';
import { formatRow } from '../csv/csv-parser.js';
import { Logger, MemorySink } from '../log/logger.js';
import { AgencyClient, type ClientOutcome } from '../client/agency-client.js';
import { type BetSource, CsvFileSource } from '../client/bet-source.js';
import { type ClientConfig, DEFAULT_CLIENT_CONFIG } from '../client/config.js';
import type { Connect } from '../client/wire.js';
import { nodePlatform } from '../platform/node-platform.js';
import { SocketTransport } from '../transport/socket-transport.js';

/** Connections over the real network, as client/main.ts makes them. */
export const nodeConnect: Connect = (host, port, signal) => SocketTransport.connect(nodePlatform.network, nodePlatform.clock, host, port, undefined, signal);

export interface TestClientRun {
  readonly outcome: Promise<ClientOutcome>;
  readonly sink: MemorySink;
  readonly abort: () => void;
}

export function startTestClient(
  port: number,
  id: number,
  source: string | ((log: Logger) => BetSource),
  overrides: Partial<ClientConfig> = {},
  logger?: Logger,
): TestClientRun {
  const config: ClientConfig = { ...DEFAULT_CLIENT_CONFIG, id, server: { host: '127.0.0.1', port }, retryPeriodMs: 200, ...overrides };
  const sink = new MemorySink();
  // Another logger (the benchmark's) leaves `sink` empty.
  const log = logger ?? new Logger(config.logLevel, sink);
  const controller = new AbortController();
  const betSource = typeof source === 'string' ? new CsvFileSource(source, id, log, nodePlatform.disk) : source(log);
  const client = new AgencyClient(config, betSource, nodeConnect, log, controller.signal, nodePlatform);
  return { outcome: client.run(), sink, abort: () => controller.abort() };
}

/** A deterministic bet; numbers that are multiples of `winEvery` win. */
export function makeBet(agency: number, i: number, winEvery = 97): BetFields {
  return {
    firstName: i % 3 === 0 ? 'José María' : 'Ana',
    lastName: i % 5 === 0 ? 'Pérez, Núñez' : 'Müller',
    document: String(agency * 1_000_000 + i).padStart(9, '0'),
    birthdate: `19${50 + (i % 50)}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
    number: i % winEvery === 0 ? '7574' : String((i * 7919) % 7000),
  };
}

/** Writes an agency file of `count` bets (CRLF); returns the winners' documents in order. */
export function writeAgencyFile(path: string, agency: number, count: number, winEvery = 97): string[] {
  const rows: string[] = [];
  const winners: string[] = [];
  for (let i = 0; i < count; i++) {
    const b = makeBet(agency, i, winEvery);
    rows.push(formatRow([b.firstName, b.lastName, b.document, b.birthdate, b.number]));
    if (b.number === '7574') winners.push(b.document);
  }
  writeFileSync(path, rows.join('\r\n') + '\r\n');
  return winners;
}
