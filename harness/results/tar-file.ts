/**
 * Reads the one regular file out of a tar stream (what the Docker API's archive endpoint
 * returns for a file path). Handles ustar, and skips pax / GNU long-name headers.
 */
const BLOCK = 512;

export class TarError extends Error {
  override readonly name = 'TarError';
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = header.toString('latin1', offset, offset + length).replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The content of the first regular file in the archive. */
export async function readSingleFile(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const tar = Buffer.concat(chunks);
  let pos = 0;
  while (pos + BLOCK <= tar.length) {
    const header = tar.subarray(pos, pos + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] as number);
    const body = pos + BLOCK;
    if (type === '0' || type === '\0') {
      if (body + size > tar.length) throw new TarError(`archive ends inside its file (${size} bytes declared)`);
      return tar.subarray(body, body + size);
    }
    pos = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new TarError('the archive holds no regular file');
}
