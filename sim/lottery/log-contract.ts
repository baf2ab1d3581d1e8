/**
 * The log lines' contract, from the README's list of actions (SPEC §4's grammar): for each
 * action and result that the server or a client writes, the details it must carry, those it may
 * carry, and what their values may be. The lines are read with the harness's grammar (the
 * judge's own parser), so a line the course's tests could not read breaks it too. Not a golden
 * file: any order of lines, any values in range.
 */
import { type LogEvent, parseLogLine } from '../../harness/logs/log-grammar.js';

type Check = (value: string) => boolean;

const count: Check = (v) => /^\d+$/.test(v);
const positive: Check = (v) => /^[1-9]\d*$/.test(v);
const nonEmpty: Check = (v) => v.trim() !== '';
const peer: Check = (v) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(v);
const ip: Check = (v) => /^\d+\.\d+\.\d+\.\d+$/.test(v);
const ratio: Check = (v) => {
  const m = /^(\d+)\/([1-9]\d*)$/.exec(v);
  return m !== null && Number(m[1]) <= Number(m[2]);
};
const part: Check = (v) => {
  const m = /^([1-9]\d*)\/([1-9]\d*)$/.exec(v);
  return m !== null && Number(m[1]) <= Number(m[2]);
};
const documents: Check = (v) => /^\d+(,\d+)*$/.test(v);
/** A name of the protocol's error codes (errorCodeName's fallback for others, `UNKNOWN_<n>`, has digits). */
const errorCode: Check = (v) => /^[A-Z_]+$/.test(v);
const signal: Check = (v) => /^SIG[A-Z]+$/.test(v);
const REASONS = ['peer closed', 'server shutting down', 'idle timeout', 'shutdown wait expired'];
const reason: Check = (v) => REASONS.includes(v) || /^(protocol error|connection lost): .+/.test(v);

interface Rule {
  readonly required: Readonly<Record<string, Check>>;
  readonly optional?: Readonly<Record<string, Check>>;
}

/** `action result` → its rule. */
const SERVER: Readonly<Record<string, Rule>> = {
  'abrir_almacenamiento success': { required: { path: nonEmpty, bets: count, agencies: count, done: count } },
  'abrir_almacenamiento fail': { required: { path: nonEmpty, malformed_rows: positive } },
  'reparar_almacenamiento success': { required: { path: nonEmpty, removed_bytes: positive, kept_bytes: count } },
  'reparar_almacenamiento fail': { required: { path: nonEmpty, reason: nonEmpty, committed: positive, size: count } },
  'servidor_escuchando success': { required: { ip, port: positive, agencias_esperadas: positive } },
  'servidor_escuchando fail': { required: { error: nonEmpty } },
  'conexion_aceptada success': { required: { peer } },
  'conexion_rechazada fail': { required: { peer, reason: nonEmpty } },
  'conexion_inactiva in_progress': { required: { peer, idle_ms: positive } },
  'conexion_perdida fail': { required: { peer, error: nonEmpty }, optional: { agencia: positive } },
  'protocol_error fail': { required: { peer, code: errorCode, error: nonEmpty } },
  'agencia_conectada success': { required: { peer, agencia: positive, apuestas_guardadas: count } },
  'apuesta_recibida success': { required: { cantidad: positive, agencia: positive }, optional: { repetidas: positive } },
  'apuesta_recibida fail': { required: { cantidad: count, agencia: positive, code: errorCode, detail: nonEmpty } },
  'apuesta_almacenada success': { required: { dni: positive, numero: count } },
  'almacenar fail': { required: { path: nonEmpty, error: nonEmpty } },
  'notificacion_recibida success': { required: { agencia: positive, agencias_listas: ratio }, optional: { repetida: (v) => v === 'true' } },
  'sorteo success': { required: { apuestas: count, ganadores: count } },
  'sorteo_recuperado success': { required: { apuestas: count, ganadores: count } },
  'sorteo fail': { required: { error: nonEmpty } },
  'consulta_ganadores success': { required: { agencia: positive, cant_ganadores: count } },
  'receive_message success': { required: { ip, msg: () => true } },
  'close success': { required: { resource: (v) => ['connection', 'file', 'listener'].includes(v) }, optional: { peer, agencia: positive, reason, path: nonEmpty, port: positive } },
  'shutdown in_progress': { required: { signal, connections: count } },
  'shutdown success': { required: { signal }, optional: { peak_rss_mib: count, reason: nonEmpty } },
  'shutdown fail': { required: { error: nonEmpty } },
  'sesion fail': { required: { peer, error: nonEmpty } },
  'responder fail': { required: { peer, error: nonEmpty } },
};

const retry: Rule = { required: { attempt: positive, of: positive, retry_in_ms: count, error: nonEmpty } };

const CLIENT: Readonly<Record<string, Rule>> = {
  'connect success': { required: { server: nonEmpty, peer } },
  'connect in_progress': retry,
  'reconnect in_progress': retry,
  'reanudar in_progress': { required: { agencia: positive, apuestas_guardadas: positive } },
  'apuestas_enviadas success': { required: { cantidad: positive, enviadas: positive, bytes: positive } },
  'apuestas_enviadas fail': { required: { cantidad: positive, code: errorCode, detail: nonEmpty } },
  'apuestas_enviadas in_progress': { required: { cantidad: positive, code: errorCode, detail: nonEmpty } },
  'apuesta_enviada success': { required: { dni: positive, numero: count } },
  'notificacion_enviada success': { required: { agencia: positive, apuestas: count } },
  'consulta_ganadores success': { required: { cant_ganadores: count } },
  'ganadores success': { required: { agencia: positive, parte: part, dnis: documents } },
  'leer_apuesta fail': { required: { source: nonEmpty, line: positive, reason: nonEmpty } },
  'leer_apuestas fail': { required: { source: nonEmpty, filas_invalidas: positive, apuestas: count } },
  'client_finished success': { required: { agencia: positive, apuestas: count, ganadores: count } },
  'client_finished fail': { required: { agencia: positive, error: nonEmpty } },
  'close success': { required: { resource: (v) => v === 'connection' || v === 'file' }, optional: { peer, path: nonEmpty } },
  'shutdown in_progress': { required: { signal } },
  'shutdown success': { required: { agencia: positive } },
  'config fail': { required: { error_type: nonEmpty, error: nonEmpty } },
};

/**
 * What is wrong with one line of `source` (`server` or `clientN`); undefined when it keeps the
 * contract. `parsed`, the line as the timeline already read it, saves a second parse; it is used
 * only for a line without `{` (the timeline reads those with the same course grammar, parseLogLine).
 */
export function contractBreach(source: string, line: string, parsed?: LogEvent): string | undefined {
  const event = parsed !== undefined && !line.includes('{') ? parsed : parseLogLine(line);
  if (!event) return `not a course log line: ${line}`;
  if (event.level === undefined || !['DEBUG', 'INFO', 'WARNING', 'ERROR'].includes(event.level)) return `no level: ${line}`;
  const rules = source === 'server' ? SERVER : CLIENT;
  const rule = rules[`${event.action} ${event.result}`];
  if (!rule) return `unknown action "${event.action}" with result "${event.result}": ${line}`;
  for (const [key, check] of Object.entries(rule.required)) {
    const value = event.details[key];
    if (value === undefined) return `"${key}" missing: ${line}`;
    if (!check(value)) return `"${key}: ${value}" out of its range: ${line}`;
  }
  for (const [key, value] of Object.entries(event.details)) {
    if (key in rule.required) continue;
    const check = rule.optional?.[key];
    if (!check) return `"${key}" is not a detail of ${event.action}: ${line}`;
    if (!check(value)) return `"${key}: ${value}" out of its range: ${line}`;
  }
  return undefined;
}
