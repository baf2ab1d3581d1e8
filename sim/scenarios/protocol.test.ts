/**
 * The server's protocol on the simulated platform, message by message: what each request gets
 * back, what is stored, and that a bad request costs only its own connection.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../system/protocol/constants.js';
import { batchOf } from '../../system/protocol/bet-text.js';
import { encodeBatch, encodeBet, encodeDone, encodeEcho, encodeHello, encodeStatus, encodeWinnersQuery } from '../../system/protocol/serializer.js';
import { BETS_FILE, batchFrame, bet, bets, describe as show, PeerConnection, Scenario } from './scenario.js';

const doc = (agency: number, i: number) => String(10_000_000 * agency + i);

describe('one agency after another, through the draw', () => {
  it('stores batches in order, drops a repeated prefix, refuses a gap and an invalid bet, answers the winners after the last done', async () => {
    const s = new Scenario({ seed: 3 });
    s.startServer();
    const seen: string[] = [];
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 1 }));
      const status = await c.expect('status');
      seen.push(`status ${status.stored} ${status.drawDone}`);
      const result = async (frame: Buffer) => {
        await c.send(frame);
        const r = await c.expect('batch_result');
        seen.push(`${r.firstIndex}+${r.count} ${r.code}${r.detail ? ` ${r.detail}` : ''}`);
      };
      await result(batchFrame(1, 0, 10));
      await result(batchFrame(1, 5, 10));
      await result(batchFrame(1, 20, 5));
      const spoiled = bets(1, 15, 5).map((b, k) => (k === 2 ? { ...b, birthdate: '1990-13-01' } : b));
      await result(encodeBatch(batchOf(1, 15, spoiled)));
      await result(batchFrame(1, 15, 5));
      await result(batchFrame(1, 10, 10));
      await c.send(encodeDone({ agency: 1 }), encodeWinnersQuery({ agency: 1 }));
      const w = await c.expect('winners');
      seen.push(`winners ${w.documents.join(',')} ${w.last}`);
      await c.end();
    });
    s.peer(async (ctx) => {
      const c = await PeerConnection.open(ctx);
      await c.send(encodeHello({ agency: 2 }), batchFrame(2, 0, 5));
      await c.expect('status');
      expect((await c.expect('batch_result')).code).toBe(ErrorCode.OK);
      await c.send(encodeDone({ agency: 2 }), encodeWinnersQuery({ agency: 2 }));
      seen.push(`b winners ${(await c.expect('winners')).documents.join(',')}`);
      await c.end();
    }, 2000);
    await s.runPeers();
    // The two winners answers go out at the same instant, in either order.
    expect([...seen.slice(0, 7), ...seen.slice(7).sort()]).toEqual([
      'status 0 false',
      `0+10 ${ErrorCode.OK}`,
      `5+10 ${ErrorCode.OK}`,
      `20+5 ${ErrorCode.SEQUENCE_GAP} batch starts at bet 20 but the server holds bets 0…14 of agency 1`,
      `15+5 ${ErrorCode.INVALID_BET} bet 17 (position 3 in the batch): birthdate "1990-13-01" is not a calendar date`,
      `15+5 ${ErrorCode.OK}`,
      `10+10 ${ErrorCode.OK}`,
      `b winners ${doc(2, 0)}`,
      `winners ${doc(1, 0)},${doc(1, 10)} true`,
    ]);
    const rows = (s.volume.read(BETS_FILE)?.toString() ?? '').split('\n').filter((l) => l !== '');
    expect(rows).toHaveLength(25);
    expect(rows.filter((r) => r.startsWith('1,')).map((r) => r.split(',').at(-3))).toEqual(Array.from({ length: 20 }, (_, i) => doc(1, i)));
    expect(rows[4]).toBe(`1,Ana,"Pérez, Jr.",${doc(1, 4)},1990-01-02,4`);
    expect(s.linesOf('apuesta_recibida', 'success').map((l) => l.replace(/^.*cantidad/, 'cantidad'))).toEqual(['cantidad: 10 | agencia: 1', 'cantidad: 10 | agencia: 1 | repetidas: 5', 'cantidad: 5 | agencia: 1', 'cantidad: 10 | agencia: 1 | repetidas: 10', 'cantidad: 5 | agencia: 2']);
    expect(s.linesOf('apuesta_recibida', 'fail')).toHaveLength(2);
    expect(s.linesOf('sorteo', 'success')).toEqual([expect.stringMatching(/apuestas: 25 \| ganadores: 3$/)]);
    expect(s.linesOf('notificacion_recibida', 'success').map((l) => l.replace(/^.*agencia:/, 'agencia:'))).toEqual(['agencia: 1 | agencias_listas: 1/2', 'agencia: 2 | agencias_listas: 2/2']);
    expect(s.linesOf('consulta_ganadores', 'success').map((l) => l.replace(/^.*agencia:/, 'agencia:')).sort()).toEqual(['agencia: 1 | cant_ganadores: 2', 'agencia: 2 | cant_ganadores: 1']);
  });
});

describe('a bad request costs only its own connection', () => {
  it('answers each with its error, closes where the protocol says so, and goes on serving', async () => {
    const s = new Scenario({ seed: 4, server: { agencies: 2 } });
    s.startServer();
    const seen: string[] = [];
    const messages: string[] = [];
    const tries: [string, Buffer[], number][] = [
      ['batch before hello', [batchFrame(1, 0, 2)], 1],
      ['hello 0', [encodeHello({ agency: 0 })], 2],
      ['hello 3 of 2', [encodeHello({ agency: 3 })], 2],
      ['hello 1 then 2', [encodeHello({ agency: 1 }), encodeHello({ agency: 2 })], 3],
      ['hello 1, batch of 2', [encodeHello({ agency: 1 }), batchFrame(2, 0, 1)], 2],
      ['hello 1, done of 2', [encodeHello({ agency: 1 }), encodeDone({ agency: 2 })], 3],
      ['winners before hello', [encodeWinnersQuery({ agency: 1 })], 2],
      ['a status from a client', [encodeStatus({ agency: 1, stored: 0, drawDone: false })], 2],
      ['garbage', [Buffer.from([0x07, 0x00, 0x02, 0xff, 0xfe])], 2],
      ['echo', [encodeEcho({ data: Buffer.from('hola|mundo') })], 1],
      ['one bet (exercise 5), then it again', [encodeHello({ agency: 1 }), encodeBet({ agency: 1, index: 0, bet: bet(1, 0) }), encodeBet({ agency: 1, index: 0, bet: bet(1, 0) })], 3],
    ];
    s.peer(async (ctx) => {
      for (const [what, frames, answers] of tries) {
        const c = await PeerConnection.open(ctx);
        await c.send(...frames);
        const got: string[] = [];
        for (let i = 0; i < answers; i++) {
          const m = await c.next();
          got.push(typeof m === 'string' || m instanceof Error ? show(m) : m.type === 'error' ? `error ${m.code}` : m.type === 'batch_result' ? `batch_result ${m.code}` : m.type === 'echo' ? `echo ${m.data.toString()}` : m.type);
          if (typeof m !== 'string' && !(m instanceof Error) && m.type === 'error') messages.push(m.message);
        }
        seen.push(`${what}: ${got.join(', ')}`);
        await c.end();
      }
      const ok = await PeerConnection.open(ctx);
      await ok.send(encodeHello({ agency: 2 }), batchFrame(2, 0, 3));
      await ok.expect('status');
      seen.push(`afterwards: batch_result ${(await ok.expect('batch_result')).code}`);
      await ok.end();
    });
    await s.runPeers();
    const E = ErrorCode;
    expect(seen).toEqual([
      `batch before hello: batch_result ${E.NOT_IDENTIFIED}`,
      `hello 0: error ${E.MALFORMED_MESSAGE}, the end of the stream`,
      `hello 3 of 2: error ${E.UNKNOWN_AGENCY}, the end of the stream`,
      `hello 1 then 2: status, error ${E.AGENCY_MISMATCH}, the end of the stream`,
      `hello 1, batch of 2: status, batch_result ${E.AGENCY_MISMATCH}`,
      `hello 1, done of 2: status, error ${E.AGENCY_MISMATCH}, the end of the stream`,
      `winners before hello: error ${E.NOT_IDENTIFIED}, the end of the stream`,
      `a status from a client: error ${E.UNEXPECTED_MESSAGE}, the end of the stream`,
      `garbage: error ${E.UNKNOWN_MESSAGE}, the end of the stream`,
      'echo: echo hola|mundo',
      `one bet (exercise 5), then it again: status, batch_result ${E.OK}, batch_result ${E.OK}`,
      `afterwards: batch_result ${E.OK}`,
    ]);
    expect(messages).toEqual([
      'agency 0 is not a positive integer',
      "agency 3 is not one of this lottery's agencies (1 … 2)",
      'this connection speaks for agency 1, not 2',
      'this connection speaks for agency 1, not 2',
      'send "hello" first: this connection speaks for no agency',
      'a client does not send "status" messages',
      'unknown message type 0x07',
    ]);
    expect(s.linesOf('apuesta_recibida', 'success').map((l) => l.replace(/^.*cantidad/, 'cantidad'))).toEqual(['cantidad: 1 | agencia: 1', 'cantidad: 1 | agencia: 1 | repetidas: 1', 'cantidad: 3 | agencia: 2']);
    expect(s.linesOf('close', 'success').map((l) => l.replace(/^.*reason: /, '')).filter((r) => r.startsWith('protocol error'))).toHaveLength(7);
    expect(s.linesOf('receive_message', 'success')).toEqual([expect.stringMatching(/\| ip: 10\.0\.0\.\d+ \| msg: hola\\x7cmundo$/)]);
    expect(s.linesOf('protocol_error', 'fail')).toHaveLength(7);
    expect(s.linesOf('apuesta_recibida', 'fail').map((l) => l.replace(/^.*cantidad/, 'cantidad'))).toEqual([
      'cantidad: 2 | agencia: 1 | code: NOT_IDENTIFIED | detail: send "hello" first',
      'cantidad: 1 | agencia: 2 | code: AGENCY_MISMATCH | detail: this connection speaks for agency 1',
    ]);
    expect(s.volume.read(BETS_FILE)?.toString().split('\n').filter(Boolean)).toHaveLength(4);
  });
});
