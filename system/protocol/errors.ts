import { ErrorCode, MAX_FRAME_SIZE } from './constants.js';

/** A peer broke the protocol; `code` is what the server reports back before closing. */
export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  constructor(
    message: string,
    readonly code: ErrorCode = ErrorCode.MALFORMED_MESSAGE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class FrameTooLargeError extends ProtocolError {
  override readonly name = 'FrameTooLargeError';
  constructor(readonly frameSize: number, options?: { cause?: unknown }) {
    super(`frame of ${frameSize} bytes is larger than the ${MAX_FRAME_SIZE}-byte maximum`, ErrorCode.FRAME_TOO_LARGE, options);
  }
}

export class UnknownMessageTypeError extends ProtocolError {
  override readonly name = 'UnknownMessageTypeError';
  constructor(readonly typeCode: number) {
    super(`unknown message type 0x${typeCode.toString(16).padStart(2, '0')}`, ErrorCode.UNKNOWN_MESSAGE);
  }
}

export class MalformedMessageError extends ProtocolError {
  override readonly name = 'MalformedMessageError';
}

/** The connection ended in the middle of a frame. */
export class TruncatedFrameError extends ProtocolError {
  override readonly name = 'TruncatedFrameError';
  constructor(readonly pendingBytes: number) {
    super(`connection closed with ${pendingBytes} bytes of an unfinished frame`);
  }
}
