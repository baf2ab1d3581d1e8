/**
 * Wire framing (see README "Protocol"):
 *
 *   +--------+----------------+------------------------+
 *   | type   | payload length | payload                |
 *   | 1 byte | 2 bytes, BE    | 0 … 8189 bytes         |
 *   +--------+----------------+------------------------+
 *
 * A whole frame is never larger than MAX_FRAME_SIZE bytes, header included.
 */
export const FRAME_HEADER_SIZE = 3;
export const MAX_FRAME_SIZE = 8192;
export const MAX_PAYLOAD_SIZE = MAX_FRAME_SIZE - FRAME_HEADER_SIZE;

/** Message type tags: printable ASCII letters, so that a hex dump (or `printf`) reads well. */
export const MessageCode = {
  hello: 0x48, // 'H'
  status: 0x53, // 'S'
  bet: 0x42, // 'B'
  batch: 0x4d, // 'M' (many bets)
  batch_result: 0x52, // 'R'
  done: 0x44, // 'D'
  winners_query: 0x51, // 'Q'
  winners: 0x57, // 'W'
  echo: 0x45, // 'E'
  error: 0x58, // 'X'
} as const;
export type MessageType = keyof typeof MessageCode;

const TYPE_BY_CODE = new Map<number, MessageType>(
  (Object.entries(MessageCode) as [MessageType, number][]).map(([type, code]) => [code, type]),
);

export function messageTypeOf(code: number): MessageType | undefined {
  return TYPE_BY_CODE.get(code);
}

/** Error codes carried by `batch_result` and `error` messages; 0 means success. */
export const ErrorCode = {
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
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export function errorCodeName(code: number): string {
  return ERROR_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

export function isErrorCode(code: number): code is ErrorCode {
  return ERROR_NAMES.has(code);
}

/** Sizes inside payloads. */
export const U8_SIZE = 1;
export const U16_SIZE = 2;
export const U32_SIZE = 4;
/** A batch's bet count is a u16: the most bets one batch can carry (the client's `batch.maxAmount` at most). */
export const MAX_BATCH_BETS = 0xffff;
/** Short strings (winners' documents) carry a 1-byte length. */
export const MAX_SHORT_STRING_BYTES = 0xff;
/** Bets travel as text: fields separated by US, each bet ended by RS (ASCII's own separators). */
export const UNIT_SEPARATOR = 0x1f;
export const RECORD_SEPARATOR = 0x1e;
/** Bytes of one bet on the wire besides its fields' UTF-8 text: four US and one RS. */
export const BET_FIXED_SIZE = 5;
/** Header + agency + first index + bet count. */
export const BATCH_OVERHEAD = FRAME_HEADER_SIZE + U32_SIZE + U32_SIZE + U16_SIZE;
/** Header + agency + last flag + document count. */
export const WINNERS_OVERHEAD = FRAME_HEADER_SIZE + U32_SIZE + U8_SIZE + U16_SIZE;
