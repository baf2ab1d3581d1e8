/**
 * The server's connections on the simulated platform over time: the idle timeout (and a wait
 * for the draw that is not idleness), the connection limit, SIGTERM with a winners query waiting,
 * betting after the draw, and a restarted server whose bets no longer match the recorded draw.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../system/protocol/constants.js';
import { encodeDone, encodeHello, encodeWinnersQuery } from '../../system/protocol/serializer.js';
import { BETS_FILE, batchFrame, describe as show, PeerConnection, Scenario } from './scenario.js';

const code = (m: Awaited<ReturnType<PeerConnection['next']>>) => (typeof m !== 'string' && !(m instanceof Error) && (m.type === 'error' || m.type === 'batch_result') ? m.code : show(m));

describe('connections over time', () => {
  it('an idle connection is told IDLE_TIMEOUT and closed; one waiting for the draw is not idle', async () => {
    const s = new Scenario({ seed: 5, server: { agencies: 2, idleTimeoutMs: 500 } });
    s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }));
      await c.expect('status');
      const started = ctx.platform.clock.now();
      seen.push(`idle: ${code(await c.next())} after ${ctx.platform.clock.now() - started} ms, then ${show(await c.next())}`);
    });
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), batchFrame(1, 0, 3), encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      await c.expect('status');
      await c.expect('batch_result');
      seen.push(`waiting: winners ${(await c.expect('winners')).documents.join(',')}`);
      await c.end();
    }, 10);
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 2 }), encodeDone({ agency: 2 }));
      await c.expect('status');
      await c.end();
    }, 3000);
    await s.runPeers();
    expect(seen).toEqual([`idle: ${ErrorCode.IDLE_TIMEOUT} after 500 ms, then the end of the stream`, 'waiting: winners 10000000']);
    expect(s.linesOf('conexion_inactiva', 'in_progress')).toEqual([expect.stringMatching(/idle_ms: 500$/)]);
    expect(s.linesOf('close', 'success').filter((l) => l.includes('reason: idle timeout'))).toHaveLength(1);
  });

  it('past max connections a new one is told TOO_MANY_CONNECTIONS and closed; the others go on', async () => {
    const s = new Scenario({ seed: 6, server: { agencies: 1, maxConnections: 2 } });
    s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const a = await PeerConnection.open(ctx);
      const b = await PeerConnection.open(ctx);
      await a.send(encodeHello({ agency: 1 }));
      await a.expect('status');
      const c = await PeerConnection.open(ctx);
      seen.push(`third: ${code(await c.next())}, then ${show(await c.next())}`);
      await b.send(encodeHello({ agency: 1 }));
      seen.push(`second: ${(await b.expect('status')).type}`);
      await Promise.all([a.end(), b.end()]);
    });
    await s.runPeers();
    expect(seen).toEqual([`third: ${ErrorCode.TOO_MANY_CONNECTIONS}, then the end of the stream`, 'second: status']);
    expect(s.linesOf('conexion_rechazada', 'fail')).toEqual([expect.stringMatching(/reason: already 2 connections$/)]);
  });

  it('SIGTERM wakes a waiting winners query with SHUTTING_DOWN, finishes the answers due, closes every file, exits 0', async () => {
    const s = new Scenario({ seed: 7, server: { agencies: 2 } });
    const server = s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), batchFrame(1, 0, 4), encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      await c.expect('status');
      seen.push(`batch: ${code(await c.next())}`);
      s.world.signal('server');
      // Sent as the shutdown begins: no new work is taken.
      await c.send(batchFrame(1, 4, 3)).catch(() => {});
      const woken = await c.next();
      seen.push(`query: ${code(woken)} ${typeof woken !== 'string' && !(woken instanceof Error) && woken.type === 'error' ? woken.message : ''}, then ${show(await c.next())}`);
      await c.end();
    });
    await s.runPeers();
    await s.world.run({ until: () => !server.alive, deadlineMs: 60_000 });
    expect(seen).toEqual([`batch: ${ErrorCode.OK}`, `query: ${ErrorCode.SHUTTING_DOWN} the server is shutting down, then the end of the stream`]);
    expect(s.linesOf('close', 'success').filter((l) => l.includes('resource: connection'))).toEqual([expect.stringMatching(/\| agencia: 1 \| reason: server shutting down$/)]);
    expect(s.linesOf('shutdown', 'in_progress')).toEqual([expect.stringMatching(/signal: SIGTERM \| connections: 1$/)]);
    expect(server.exit).toMatchObject({ reason: 'natural', code: 0, openFiles: [] });
    expect(s.linesOf('close', 'success').filter((l) => l.includes('resource: file'))).toHaveLength(3);
    expect(s.linesOf('close', 'success').filter((l) => l.includes('resource: listener'))).toHaveLength(1);
    expect(server.output.at(-1)).toMatch(/action: shutdown \| result: success \| signal: SIGTERM$/);
    // After the restart the agency is still done, its bets still there.
    s.startServer();
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }));
      seen.push(`after restart: ${(await c.expect('status')).stored}`);
      await c.end();
    }, s.world.sim.now + 1);
    await s.runPeers();
    expect(seen.at(-1)).toBe('after restart: 4');
    expect(s.linesOf('abrir_almacenamiento', 'success').at(-1)).toMatch(/bets: 4 \| agencies: 1 \| done: 1$/);
    // A clean stop leaves nothing to repair.
    expect([...s.linesOf('reparar_almacenamiento'), ...s.linesOf('abrir_almacenamiento', 'fail')]).toEqual([]);
  });

  it('after the draw a batch is BETTING_CLOSED and hello says the draw is done; a repeated done changes nothing', async () => {
    const s = new Scenario({ seed: 8, server: { agencies: 1 } });
    s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), batchFrame(1, 0, 12), encodeDone({ agency: 1 }), encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      await c.expect('status');
      await c.expect('batch_result');
      seen.push(`winners: ${(await c.expect('winners')).documents.join(',')}`);
      await c.send(batchFrame(1, 12, 2));
      const late = await c.next();
      seen.push(`late batch: ${code(late)} ${typeof late !== 'string' && !(late instanceof Error) && late.type === 'batch_result' ? late.detail : ''}`);
      await c.send(encodeHello({ agency: 1 }));
      const st = await c.expect('status');
      seen.push(`status: ${st.stored} ${st.drawDone}`);
      await c.end();
    });
    await s.runPeers();
    expect(seen).toEqual(['winners: 10000000,10000010', `late batch: ${ErrorCode.BETTING_CLOSED} every agency is done; the draw has started`, 'status: 12 true']);
    expect(s.linesOf('sorteo_recuperado')).toEqual([]);
    expect(s.linesOf('notificacion_recibida', 'success').map((l) => l.replace(/^.*agencia:/, 'agencia:'))).toEqual(['agencia: 1 | agencias_listas: 1/1', 'agencia: 1 | repetida: true | agencias_listas: 1/1']);
    expect(s.linesOf('sorteo', 'success')).toHaveLength(1);
    expect(s.volume.read(`${BETS_FILE}.done`)?.toString()).toBe('1\ndraw 12 2\n');
  });

  it('a restarted server whose bets differ from the recorded draw refuses to answer (DRAW_FAILED, final), and says why', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `1,Ana,Núñez,${10_000_000 + i},1990-01-02,${i === 0 ? 7574 : i}\n`).join('');
    const s = new Scenario({ files: { [BETS_FILE]: rows, [`${BETS_FILE}.done`]: '1\ndraw 4 1\n' }, server: { agencies: 1 } });
    s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      await c.expect('status');
      const m = await c.next();
      seen.push(`query: ${code(m)} ${typeof m !== 'string' && !(m instanceof Error) && m.type === 'error' ? m.message : ''}`);
      await c.end();
    });
    await s.runPeers();
    expect(seen).toEqual([`query: ${ErrorCode.DRAW_FAILED} the draw failed: the stored bets (5 bets, 1 winners) differ from the recorded draw (4 bets, 1 winners)`]);
    expect(s.linesOf('sorteo', 'fail')).toEqual([expect.stringMatching(/error: the stored bets \(5 bets, 1 winners\) differ from the recorded draw \(4 bets, 1 winners\)$/)]);
    // The same number of bets, one more winner: still not the recorded draw.
    const other = new Scenario({ files: { [BETS_FILE]: rows.replace(',1\n', ',7574\n'), [`${BETS_FILE}.done`]: '1\ndraw 5 1\n' }, server: { agencies: 1 } });
    other.startServer();
    other.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      await c.expect('status');
      seen.push(`other: ${code(await c.next())}`);
      await c.end();
    });
    await other.runPeers();
    expect(seen.at(-1)).toBe(`other: ${ErrorCode.DRAW_FAILED}`);
    expect(other.linesOf('sorteo_recuperado')).toEqual([]);
  });

  it('a connection reset under a session is logged as lost, with its agency, and closed for that reason', async () => {
    const s = new Scenario({ seed: 12, server: { agencies: 1 } });
    s.startServer();
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }));
      await c.expect('status');
      s.world.network.reset('peer1', 'server');
      await c.next();
    });
    await s.runPeers();
    await s.run(() => s.linesOf('close', 'success').length > 0, 10_000);
    expect(s.linesOf('conexion_perdida', 'fail')).toEqual([expect.stringMatching(/\| agencia: 1 \| error: ECONNRESET\\x3a connection reset by peer, read$/)]);
    expect(s.linesOf('close', 'success')).toEqual([expect.stringMatching(/reason: connection lost\\x3a ECONNRESET\\x3a connection reset by peer, read$/)]);
  });

  it('at DEBUG, every stored bet is logged once (dni, numero), after its batch is durable', async () => {
    const s = new Scenario({ seed: 13, server: { agencies: 1, loggingLevel: 'DEBUG' } });
    s.startServer();
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }), batchFrame(1, 0, 4), batchFrame(1, 2, 4));
      await c.expect('status');
      await c.expect('batch_result');
      await c.expect('batch_result');
      await c.end();
    });
    await s.runPeers();
    expect(s.linesOf('apuesta_almacenada', 'success').map((l) => l.replace(/^.*dni/, 'dni'))).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `dni: ${10_000_000 + i} | numero: ${i % 10 === 0 ? 7574 : i}`),
    );
    expect(s.serverLines().every((l) => !l.includes(' DEBUG ') || l.includes('action: apuesta_almacenada'))).toBe(true);
  });
});
