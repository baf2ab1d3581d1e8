/**
 * Golden lines: one line of each action the server and the client log in this process, byte for
 * byte, from a real run over loopback (DEBUG, a fixed clock). What varies between runs is
 * replaced before the comparison, and only that: ephemeral ports, the temporary folder, the
 * client's jittered retry delay. The entry points' own lines (config, shutdown, exit, crash)
 * are pinned in exit-flush.test.ts, from the built bundles.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgencyClient, type ClientOutcome } from '../client/agency-client.js';
import { CsvFileSource } from '../client/bet-source.js';
import { type ClientConfig, DEFAULT_CLIENT_CONFIG } from '../client/config.js';
import { type LogFormat, Logger, MemorySink } from '../log/logger.js';
import { DEFAULT_SERVER_CONFIG } from '../server/config.js';
import { LotteryServer } from '../server/server.js';
import { encodeBatchText, encodeHello } from '../protocol/serializer.js';
import { RawPeer } from '../testing/raw-peer.js';
import { nodeConnect, writeAgencyFile } from '../testing/test-client.js';
import { eventually, tempDir } from '../testing/test-server.js';
import { nodePlatform } from '../platform/node-platform.js';
import { nodeProcessInfo } from '../platform/node-process.js';

const T = new Date('2024-05-06T07:08:09.123Z');
const clock = (): Date => T;

interface Logs {
  readonly server: string[];
  readonly clients: string[];
  /** The story's temporary folder (removed), as it appears in paths. */
  readonly dir: string;
}

/** One whole story: bad peers, two agencies, the draw, a resume, a refusal, a restart with a torn tail. */
async function story(format: LogFormat): Promise<Logs> {
  const dir = tempDir('tp0-golden-');
  const serverSink = new MemorySink();
  // One sink per client run, read in the order they were started: the story is the same every time.
  const clientSinks: MemorySink[] = [];
  const serverLog = (): Logger => new Logger('DEBUG', serverSink, format, clock);
  const config = { ...DEFAULT_SERVER_CONFIG, ip: '127.0.0.1', port: 0, agencies: 2, betsFile: join(dir.path, 'bets.csv'), loggingLevel: 'DEBUG' as const };
  const file1 = join(dir.path, 'agency-1.csv');
  const file2 = join(dir.path, 'agency-2.csv');
  writeAgencyFile(file1, 1, 2, 2); // bets 0 (a winner) and 1
  appendFileSync(file1, 'Ana,Sin Fecha,30904465,ayer,7574\r\n');
  writeAgencyFile(file2, 2, 1);
  const client = (port: number, id: number, file: string, overrides: Partial<ClientConfig> = {}): Promise<ClientOutcome> => {
    const cfg: ClientConfig = { ...DEFAULT_CLIENT_CONFIG, id, server: { host: '127.0.0.1', port }, retryPeriodMs: 50, logLevel: 'DEBUG', ...overrides };
    const sink = new MemorySink();
    clientSinks.push(sink);
    const log = new Logger('DEBUG', sink, format, clock);
    return new AgencyClient(cfg, new CsvFileSource(file, id, log, nodePlatform.disk), nodeConnect, log, new AbortController().signal, nodePlatform).run();
  };
  try {
    let server = await LotteryServer.start({ ...config, maxConnections: 2, idleTimeoutMs: 300 }, serverLog(), nodePlatform, nodeProcessInfo);
    const port = server.address.port;
    // Garbage: a protocol error, then the connection is closed.
    const garbage = await RawPeer.connect(port);
    garbage.write(Buffer.from([0x01, 0x00, 0x02, 0xff, 0xfe]));
    await garbage.closed;
    // A batch with a bad date from agency 2, refused whole; then the peer hangs up.
    const bad = await RawPeer.connect(port);
    bad.write(encodeHello({ agency: 2 }));
    await bad.next();
    bad.write(encodeBatchText({ agency: 2, firstIndex: 0, count: 1, text: 'Ana\x1fPérez\x1f1\x1fayer\x1f7574\x1e' }));
    await bad.next();
    bad.socket.resetAndDestroy();
    // An idle connection, timed out; then two held open and a third refused.
    const idle = await RawPeer.connect(port);
    await idle.closed;
    const held = [await RawPeer.connect(port), await RawPeer.connect(port)];
    const refused = await RawPeer.connect(port);
    await refused.closed;
    for (const p of held) p.destroy();
    await eventually(() => serverSink.lines.filter((l) => l.includes('close')).length >= 5, 5000, 'held connections closed');
    await server.shutdown('SIGTERM');

    server = await LotteryServer.start(config, serverLog(), nodePlatform, nodeProcessInfo);
    const port2 = server.address.port;
    const one = client(port2, 1, file1);
    await eventually(() => serverSink.lines.some((l) => l.includes('notificacion_recibida')), 5000, 'agency 1 done');
    const two = await client(port2, 2, file2);
    await one;
    if (two.kind !== 'finished') throw new Error('agency 2 did not finish');
    // Agency 2 again: it resumes after its stored bet and gets the same winners.
    await client(port2, 2, file2);
    // Nobody listens there: a retry, then the client gives up.
    await client(1, 1, file1, { retryAttempts: 2 }).catch(() => undefined);
    await server.shutdown('SIGTERM');

    // A torn tail: the restarted server cuts it and recovers the draw.
    appendFileSync(config.betsFile, '2,torn');
    server = await LotteryServer.start(config, serverLog(), nodePlatform, nodeProcessInfo);
    await eventually(() => serverSink.lines.some((l) => l.includes('sorteo_recuperado')), 5000, 'the draw recovered');
    await server.shutdown('SIGTERM');
    return { server: serverSink.lines, clients: clientSinks.flatMap((s) => s.lines), dir: dir.path };
  } finally {
    dir.remove();
  }
}

function normalize(lines: readonly string[], dir: string): string[] {
  return lines.map((l) =>
    l
      .split(dir.replaceAll(':', '\\x3a'))
      .join('<dir>')
      .replace(/127\.0\.0\.1\\x3a\d+/g, '127.0.0.1\\x3a<port>')
      .replace(/(retry_in_ms\W+)\d+/g, '$1<ms>')
      .replace(/(peak_rss_mib\W+)\d+/g, '$1<mib>')
      .replace(/((?:servidor_escuchando|listener).*port\W+)\d+/g, '$1<port>'),
  );
}

/** The first line of each shape (action, result and the names of the details), in order of appearance. */
function firstOfEach(lines: readonly string[], key: (line: string) => string): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const k = key(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const textKey = (l: string): string =>
  l
    .split(' | ')
    .map((part) => part.slice(0, part.indexOf(': ')))
    .join() + /action: (\S+) \| result: (\S+)/.exec(l)?.slice(1).join(' ');

describe('golden log lines (text)', () => {
  let logs: { server: string[]; clients: string[] };
  beforeAll(async () => {
    const raw = await story('text');
    logs = { server: normalize(raw.server, raw.dir), clients: normalize(raw.clients, raw.dir) };
  });

  it('server: one line of each action, byte for byte', () => {
    expect(firstOfEach(logs.server, textKey).sort()).toMatchInlineSnapshot(`
      [
        "2024-05-06T07:08:09.123Z DEBUG action: apuesta_almacenada | result: success | dni: 001000000 | numero: 7574",
        "2024-05-06T07:08:09.123Z INFO action: abrir_almacenamiento | result: success | path: <dir>/bets.csv | bets: 0 | agencies: 0 | done: 0",
        "2024-05-06T07:08:09.123Z INFO action: agencia_conectada | result: success | peer: 127.0.0.1\\x3a<port> | agencia: 2 | apuestas_guardadas: 0",
        "2024-05-06T07:08:09.123Z INFO action: apuesta_recibida | result: fail | cantidad: 1 | agencia: 2 | code: INVALID_BET | detail: bet 0 (position 1 in the batch)\\x3a birthdate "ayer" is not YYYY-MM-DD",
        "2024-05-06T07:08:09.123Z INFO action: apuesta_recibida | result: success | cantidad: 2 | agencia: 1",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: connection | peer: 127.0.0.1\\x3a<port> | agencia: 2 | reason: connection lost\\x3a read ECONNRESET",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: connection | peer: 127.0.0.1\\x3a<port> | reason: protocol error\\x3a unknown message type 0x01",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: file | path: <dir>/bets.csv",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: listener | port: <port>",
        "2024-05-06T07:08:09.123Z INFO action: conexion_aceptada | result: success | peer: 127.0.0.1\\x3a<port>",
        "2024-05-06T07:08:09.123Z INFO action: conexion_inactiva | result: in_progress | peer: 127.0.0.1\\x3a<port> | idle_ms: 300",
        "2024-05-06T07:08:09.123Z INFO action: consulta_ganadores | result: success | agencia: 1 | cant_ganadores: 1",
        "2024-05-06T07:08:09.123Z INFO action: notificacion_recibida | result: success | agencia: 1 | agencias_listas: 1/2",
        "2024-05-06T07:08:09.123Z INFO action: notificacion_recibida | result: success | agencia: 2 | repetida: true | agencias_listas: 2/2",
        "2024-05-06T07:08:09.123Z INFO action: servidor_escuchando | result: success | ip: 127.0.0.1 | port: <port> | agencias_esperadas: 2",
        "2024-05-06T07:08:09.123Z INFO action: shutdown | result: in_progress | signal: SIGTERM | connections: 0",
        "2024-05-06T07:08:09.123Z INFO action: shutdown | result: success | signal: SIGTERM | peak_rss_mib: <mib>",
        "2024-05-06T07:08:09.123Z INFO action: sorteo | result: success | apuestas: 3 | ganadores: 2",
        "2024-05-06T07:08:09.123Z INFO action: sorteo_recuperado | result: success | apuestas: 3 | ganadores: 2",
        "2024-05-06T07:08:09.123Z WARNING action: conexion_perdida | result: fail | peer: 127.0.0.1\\x3a<port> | agencia: 2 | error: read ECONNRESET",
        "2024-05-06T07:08:09.123Z WARNING action: conexion_rechazada | result: fail | peer: 127.0.0.1\\x3a<port> | reason: already 2 connections",
        "2024-05-06T07:08:09.123Z WARNING action: protocol_error | result: fail | peer: 127.0.0.1\\x3a<port> | code: UNKNOWN_MESSAGE | error: unknown message type 0x01",
        "2024-05-06T07:08:09.123Z WARNING action: reparar_almacenamiento | result: success | path: <dir>/bets.csv | removed_bytes: 6 | kept_bytes: 157",
      ]
    `);
  });

  it('client: one line of each action, byte for byte', () => {
    expect(firstOfEach(logs.clients, textKey).sort()).toMatchInlineSnapshot(`
      [
        "2024-05-06T07:08:09.123Z DEBUG action: apuesta_enviada | result: success | dni: 001000000 | numero: 7574",
        "2024-05-06T07:08:09.123Z ERROR action: leer_apuesta | result: fail | source: file <dir>/agency-1.csv | line: 3 | reason: birthdate "ayer" is not YYYY-MM-DD",
        "2024-05-06T07:08:09.123Z INFO action: apuestas_enviadas | result: success | cantidad: 2 | enviadas: 2 | bytes: 105",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: connection | peer: 127.0.0.1\\x3a<port>",
        "2024-05-06T07:08:09.123Z INFO action: close | result: success | resource: file | path: <dir>/agency-1.csv",
        "2024-05-06T07:08:09.123Z INFO action: connect | result: in_progress | attempt: 1 | of: 2 | retry_in_ms: <ms> | error: connect ECONNREFUSED 127.0.0.1\\x3a<port>",
        "2024-05-06T07:08:09.123Z INFO action: connect | result: success | server: 127.0.0.1\\x3a<port> | peer: 127.0.0.1\\x3a<port>",
        "2024-05-06T07:08:09.123Z INFO action: consulta_ganadores | result: success | cant_ganadores: 1",
        "2024-05-06T07:08:09.123Z INFO action: ganadores | result: success | agencia: 1 | parte: 1/1 | dnis: 001000000",
        "2024-05-06T07:08:09.123Z INFO action: notificacion_enviada | result: success | agencia: 1 | apuestas: 2",
        "2024-05-06T07:08:09.123Z INFO action: reanudar | result: in_progress | agencia: 2 | apuestas_guardadas: 1",
      ]
    `);
  });
});

/** A JSON record without what differs between machines and runs (checked, then dropped). */
function jsonFields(line: string, dir: string): string {
  const { pid, hostname, time, ...fields } = JSON.parse(line) as Record<string, unknown>;
  expect([typeof pid, typeof hostname, time]).toEqual(['number', 'string', T.getTime()]);
  return JSON.stringify(fields)
    .split(dir)
    .join('<dir>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/"(retry_in_ms|peak_rss_mib|port)":\d+/g, '"$1":"<n>"');
}

const jsonKey = (l: string): string => {
  const r = JSON.parse(l) as Record<string, unknown>;
  return `${String(r.action)} ${String(r.result)} ${Object.keys(r).sort().join()}`;
};

describe('golden log lines (LOG_FORMAT=json: pino\'s NDJSON)', () => {
  let logs: Logs;
  beforeAll(async () => {
    logs = await story('json');
  });

  it('server: one record of each action, with the bound peer and agency in every record of a session', () => {
    expect(firstOfEach(logs.server, jsonKey).map((l) => jsonFields(l, logs.dir)).sort()).toMatchInlineSnapshot(`
      [
        "{"level":20,"peer":"127.0.0.1:<port>","agencia":1,"action":"apuesta_almacenada","result":"success","dni":"001000000","numero":7574}",
        "{"level":30,"action":"abrir_almacenamiento","result":"success","path":"<dir>/bets.csv","bets":0,"agencies":0,"done":0}",
        "{"level":30,"action":"close","result":"success","resource":"file","path":"<dir>/bets.csv"}",
        "{"level":30,"action":"close","result":"success","resource":"listener","port":"<n>"}",
        "{"level":30,"action":"notificacion_recibida","result":"success","agencia":1,"agencias_listas":"1/2"}",
        "{"level":30,"action":"notificacion_recibida","result":"success","agencia":2,"repetida":true,"agencias_listas":"2/2"}",
        "{"level":30,"action":"servidor_escuchando","result":"success","ip":"127.0.0.1","port":"<n>","agencias_esperadas":2}",
        "{"level":30,"action":"shutdown","result":"in_progress","signal":"SIGTERM","connections":0}",
        "{"level":30,"action":"shutdown","result":"success","signal":"SIGTERM","peak_rss_mib":"<n>"}",
        "{"level":30,"action":"sorteo","result":"success","apuestas":3,"ganadores":2}",
        "{"level":30,"action":"sorteo_recuperado","result":"success","apuestas":3,"ganadores":2}",
        "{"level":30,"peer":"127.0.0.1:<port>","action":"close","result":"success","resource":"connection","reason":"protocol error: unknown message type 0x01"}",
        "{"level":30,"peer":"127.0.0.1:<port>","action":"conexion_aceptada","result":"success"}",
        "{"level":30,"peer":"127.0.0.1:<port>","action":"conexion_inactiva","result":"in_progress","idle_ms":300}",
        "{"level":30,"peer":"127.0.0.1:<port>","agencia":1,"action":"apuesta_recibida","result":"success","cantidad":2}",
        "{"level":30,"peer":"127.0.0.1:<port>","agencia":1,"action":"consulta_ganadores","result":"success","cant_ganadores":1}",
        "{"level":30,"peer":"127.0.0.1:<port>","agencia":2,"action":"agencia_conectada","result":"success","apuestas_guardadas":0}",
        "{"level":30,"peer":"127.0.0.1:<port>","agencia":2,"action":"apuesta_recibida","result":"fail","cantidad":1,"code":"INVALID_BET","detail":"bet 0 (position 1 in the batch): birthdate \\"ayer\\" is not YYYY-MM-DD"}",
        "{"level":30,"peer":"127.0.0.1:<port>","agencia":2,"action":"close","result":"success","resource":"connection","reason":"connection lost: read ECONNRESET"}",
        "{"level":40,"action":"conexion_rechazada","result":"fail","peer":"127.0.0.1:<port>","reason":"already 2 connections"}",
        "{"level":40,"action":"reparar_almacenamiento","result":"success","path":"<dir>/bets.csv","removed_bytes":6,"kept_bytes":157}",
        "{"level":40,"peer":"127.0.0.1:<port>","action":"protocol_error","result":"fail","code":"UNKNOWN_MESSAGE","error":"unknown message type 0x01"}",
        "{"level":40,"peer":"127.0.0.1:<port>","agencia":2,"action":"conexion_perdida","result":"fail","error":"read ECONNRESET"}",
      ]
    `);
  });

  it('client: one record of each action, with the bound agency (and peer, during a connection)', () => {
    expect(firstOfEach(logs.clients, jsonKey).map((l) => jsonFields(l, logs.dir)).sort()).toMatchInlineSnapshot(`
      [
        "{"level":20,"agencia":1,"peer":"127.0.0.1:<port>","action":"apuesta_enviada","result":"success","dni":"001000000","numero":"7574"}",
        "{"level":30,"action":"close","result":"success","resource":"file","path":"<dir>/agency-1.csv"}",
        "{"level":30,"agencia":1,"action":"connect","result":"in_progress","attempt":1,"of":2,"retry_in_ms":"<n>","error":"connect ECONNREFUSED 127.0.0.1:<port>"}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"apuestas_enviadas","result":"success","cantidad":2,"enviadas":2,"bytes":105}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"close","result":"success","resource":"connection"}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"connect","result":"success","server":"127.0.0.1:<port>"}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"consulta_ganadores","result":"success","cant_ganadores":1}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"ganadores","result":"success","parte":"1/1","dnis":"001000000"}",
        "{"level":30,"agencia":1,"peer":"127.0.0.1:<port>","action":"notificacion_enviada","result":"success","apuestas":2}",
        "{"level":30,"agencia":2,"peer":"127.0.0.1:<port>","action":"reanudar","result":"in_progress","apuestas_guardadas":1}",
        "{"level":50,"agencia":1,"action":"leer_apuesta","result":"fail","source":"file <dir>/agency-1.csv","line":3,"reason":"birthdate \\"ayer\\" is not YYYY-MM-DD"}",
      ]
    `);
  });
});
