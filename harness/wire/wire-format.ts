/**
 * The wire format as the README's protocol tables state it, written on the harness side so that
 * the probes and adversaries never share the system's serializer or decoder:
 *
 *   +--------+----------------+-----------------------+
 *   | type   | payload length | payload               |
 *   | 1 byte | 2 bytes, BE    | 0 … 8189 bytes        |
 *   +--------+----------------+-----------------------+
 *
 * Integers are big-endian, text is UTF-8. A bet is its five fields separated by US (0x1F) and
 * ended by RS (0x1E).
 */

export const FRAME_HEADER_SIZE = 3;
/** No frame is larger, header included. */
export const MAX_FRAME_SIZE = 8192;
export const MAX_PAYLOAD_SIZE = MAX_FRAME_SIZE - FRAME_HEADER_SIZE;
/** A batch's count is a u16: at most this many bets in one batch (the clients' `batch.maxAmount`). */
export const MAX_BATCH_BETS = 0xffff;

export const UNIT_SEPARATOR = '\u001f';
export const RECORD_SEPARATOR = '\u001e';

/** The type byte of each message (README: `H` hello, `S` status, …). */
export const FrameType = {
  hello: 0x48,
  status: 0x53,
  bet: 0x42,
  batch: 0x4d,
  batch_result: 0x52,
  done: 0x44,
  winners_query: 0x51,
  winners: 0x57,
  echo: 0x45,
  error: 0x58,
} as const;
export type FrameTypeName = keyof typeof FrameType;

/** Each code of a name → code table, back to its name. */
function namesByCode<N extends string>(table: Readonly<Record<N, number>>): ReadonlyMap<number, N> {
  return new Map((Object.entries(table) as [N, number][]).map(([name, code]) => [code, name]));
}

const NAME_OF_TYPE = namesByCode(FrameType);

export function frameTypeName(code: number): FrameTypeName | undefined {
  return NAME_OF_TYPE.get(code);
}

/** The README's error codes (batch_result and error frames; 0 = all stored). */
export const WireErrorCode = {
  OK: 0,
  MALFORMED_MESSAGE: 1,
  FRAME_TOO_LARGE: 2,
  UNKNOWN_MESSAGE: 3,
  NOT_IDENTIFIED: 4,
  AGENCY_MISMATCH: 5,
  INVALID_BET: 6,
  SEQUENCE_GAP: 7,
  BETTING_CLOSED: 8,
  TOO_MANY_CONNECTIONS: 9,
  IDLE_TIMEOUT: 10,
  SHUTTING_DOWN: 11,
  STORAGE_FAILURE: 12,
  UNEXPECTED_MESSAGE: 13,
  UNKNOWN_AGENCY: 14,
} as const;
export type WireErrorName = keyof typeof WireErrorCode;

const NAME_OF_ERROR = namesByCode(WireErrorCode);

/** `INVALID_BET` for 6; `UNKNOWN_99` for a code the README does not list. */
export function errorName(code: number): string {
  return NAME_OF_ERROR.get(code) ?? `UNKNOWN_${code}`;
}
