/**
 * Test material for the report: a small synthetic run (server + 3 clients with batches, a
 * SIGKILL of the server healed by a restart, a draw, winners, a failing checker) and a large
 * one (only batch lines) for size bounds. Built through Timeline, as a real run is.
 */
import type { CheckResult } from '../checker/check-result.js';
import { Timeline } from '../run/timeline.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function at(seconds: number): string {
  return new Date(T0 + Math.round(seconds * 1000)).toISOString();
}

function line(seconds: number, action: string, result: string, details: Record<string, string | number> = {}): string {
  const rest = Object.entries(details).map(([k, v]) => ` | ${k}: ${v}`).join('');
  return `${at(seconds)} INFO action: ${action} | result: ${result}${rest}`;
}

export const HOSTILE_TEXT = `<script>alert("x")</script> & 'quoted'`;

/** Server + client1..3; the server is SIGKILLed at 1.0 s (fault 1), exits 137, restarts at 1.6 s. */
export function syntheticRun(): Timeline {
  const t = new Timeline();
  const log = (source: string, s: number, action: string, result: string, details?: Record<string, string | number>) =>
    t.addLine(source, line(s, action, result, details), at(s));
  log('server', 0, 'servidor_escuchando', 'success', { port: 12345 });
  for (let c = 1; c <= 3; c++) {
    log(`client${c}`, 0.1 + c * 0.02, 'connect', 'success', { server: 'server:12345' });
    log('server', 0.11 + c * 0.02, 'agencia_conectada', 'success', { agencia: c });
  }
  for (let i = 0; i < 40; i++) {
    for (let c = 1; c <= 3; c++) {
      const s = 0.2 + i * 0.045 + c * 0.005;
      if (s > 1.0 && s < 1.6) continue; // the server is down
      log(`client${c}`, s, 'apuestas_enviadas', 'success', { cantidad: 50, enviadas: (i + 1) * 50 });
      log('server', s + 0.002, 'apuesta_recibida', 'success', { cantidad: 50, agencia: c });
    }
  }
  t.add({ at: T0 + 1000, source: 'harness', kind: 'fault', text: 'SIGKILL server → server', event: undefined, faultId: 1, targets: ['server'] });
  t.add({ at: T0 + 1050, source: 'server', kind: 'exit', text: 'server exited with code 137', event: undefined, exitCode: 137 });
  log('client2', 1.1, 'apuestas_enviadas', 'fail', { cantidad: 50, code: 'CONNECTION_LOST', detail: HOSTILE_TEXT });
  t.add({ at: T0 + 1500, source: 'harness', kind: 'heal', text: 'start server', event: undefined, faultId: 1, targets: ['server'] });
  log('server', 1.6, 'servidor_escuchando', 'success', { port: 12345 });
  for (let c = 1; c <= 3; c++) {
    log(`client${c}`, 2.1 + c * 0.01, 'notificacion_enviada', 'success', { agencia: c, apuestas: 1950 });
    log('server', 2.105 + c * 0.01, 'notificacion_recibida', 'success', { agencia: c });
  }
  log('server', 2.2, 'sorteo', 'success', { apuestas: 5800, ganadores: 4 });
  for (let c = 1; c <= 3; c++) {
    log('server', 2.3 + c * 0.01, 'consulta_ganadores', 'success', { agencia: c, cant_ganadores: c });
    log(`client${c}`, 2.305 + c * 0.01, 'consulta_ganadores', 'success', { cant_ganadores: c });
    log(`client${c}`, 2.306 + c * 0.01, 'ganadores', 'success', { agencia: c, parte: '1/1', dnis: '30904465' });
    t.add({ at: T0 + 2500 + c * 20, source: `client${c}`, kind: 'exit', text: `client${c} exited with code 0`, event: undefined, exitCode: 0 });
  }
  return t;
}

/** What the checker would say about syntheticRun: 3 bets lost in the crash. */
export function syntheticCheck(): CheckResult {
  return {
    valid: false,
    acknowledged: 5803,
    stored: 5800,
    sets: [
      { name: 'lost', meaning: 'acknowledged to a client but not in bets.csv', count: 3, examples: ['2,Ana,Pérez,30904465,1999-03-17,7574', '2,Juan,Gómez,24807259,1980-10-02,1234', '2,Eva,<b>Ruiz</b>,11111111,1970-01-01,1'] },
      { name: 'unexpected', meaning: 'in bets.csv but never sent by any client', count: 0, examples: [] },
      { name: 'duplicated', meaning: 'stored more than once', count: 0, examples: [] },
    ],
    conditions: [
      { name: 'one draw', ok: true, detail: '1 draw, after all 3 agencies were done' },
      { name: 'acknowledged = stored', ok: false, detail: '5803 acknowledged, 5800 stored' },
    ],
  };
}

/** `n` batch lines spread over `clients` clients and the server, across `seconds` seconds. */
export function syntheticBatches(n: number, clients = 5, seconds = 120): Timeline {
  const t = new Timeline();
  for (let i = 0; i < n; i++) {
    const s = (i / n) * seconds;
    const k = i % (clients + 1);
    if (k === 0) t.addLine('server', line(s, 'apuesta_recibida', 'success', { cantidad: 50, agencia: 1 + (i % clients) }), at(s));
    else t.addLine(`client${k}`, line(s, 'apuestas_enviadas', 'success', { cantidad: 50, enviadas: i * 50 }), at(s));
  }
  return t;
}
