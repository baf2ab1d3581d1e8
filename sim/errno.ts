/** Errors shaped as Node's system errors: `code`, `syscall`, and the message Node would write. */

const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ENOTFOUND: 'getaddrinfo ENOTFOUND',
  EADDRINUSE: 'address already in use',
  EPIPE: 'broken pipe',
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  EBADF: 'bad file descriptor',
  EISDIR: 'illegal operation on a directory',
  ENOSPC: 'no space left on device',
  EIO: 'i/o error',
};

export interface ErrnoError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly path?: string;
}

export function errnoError(code: string, syscall: string, target?: string): ErrnoError {
  const text = `${code}: ${MESSAGES[code] ?? 'error'}, ${syscall}${target === undefined ? '' : ` '${target}'`}`;
  return Object.assign(new Error(text), { code, syscall, ...(target === undefined ? {} : { path: target }) });
}

/** Node's stream errors (not system errors): ERR_STREAM_DESTROYED, ERR_STREAM_WRITE_AFTER_END. */
export function streamError(code: 'ERR_STREAM_DESTROYED' | 'ERR_STREAM_WRITE_AFTER_END', method: string): ErrnoError {
  const text = code === 'ERR_STREAM_DESTROYED' ? `Cannot call ${method} after a stream was destroyed` : 'write after end';
  return Object.assign(new Error(text), { code, syscall: method });
}
