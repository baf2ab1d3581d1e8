/** Assertions about what an adversary heard from the server (a raw probe's exchange). */
import { expect } from 'vitest';
import type { RawResult } from '../probes/raw-probe.js';
import type { TimelineEntry } from '../run/timeline.js';
import { errorName } from '../wire/wire-format.js';

/** The status a hello of an agency that stored nothing hears. */
export function idleStatus(agency: number, drawDone: boolean): { type: 'status'; agency: number; stored: number; drawDone: boolean } {
  return { type: 'status', agency, stored: 0, drawDone };
}

/** Answered with an error frame of `code` as its last message, then the server closed the connection. */
export function expectRefused(r: RawResult, code: string): void {
  expect(r.decoded.problem, r.output).toBeUndefined();
  expect(r.decoded.trailingBytes).toBe(0);
  expect(r.decoded.messages.at(-1)?.type, JSON.stringify(r.decoded.messages)).toBe('error');
  expect(r.decoded.errorName).toBe(code);
  expect(r.closedByServer, `nc exit ${r.ncExit}`).toBe(true);
}

/** hello(`agency`, which stored nothing) answered by status, then a 5-bet batch refused with `code`, then closed. */
export function expectBatchRefused(r: RawResult, agency: number, code: string): void {
  expect(r.decoded.problem, r.output).toBeUndefined();
  const [status, answer, ...rest] = r.decoded.messages;
  expect(status).toEqual(idleStatus(agency, false));
  expect(answer).toMatchObject({ type: 'batch_result', firstPosition: 0, count: 5 });
  expect(answer?.type === 'batch_result' ? errorName(answer.code) : answer?.type).toBe(code);
  expect(rest).toEqual([]);
  expect(r.closedByServer).toBe(true);
}

/** The peer's address in a server line (`peer: 172.18.0.5:40112`). */
export function peerAddress(e: TimelineEntry): string | undefined {
  const peer = e.event?.details.peer;
  return peer === undefined ? undefined : peer.slice(0, peer.lastIndexOf(':'));
}
