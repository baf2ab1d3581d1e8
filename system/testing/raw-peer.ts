/** Test support: a hand-driven protocol peer, for sending bad bytes and reading raw answers. */
import net from 'node:net';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeMessage } from '../protocol/message-decoder.js';
import type { Message } from '../protocol/messages.js';

export class RawPeer {
  private readonly decoder = new FrameDecoder();
  private readonly inbox: Message[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.inbox.push(decodeMessage(f));
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.ended = true;
      this.wake();
      resolve();
    }));
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  write(bytes: Buffer | readonly Buffer[]): void {
    for (const b of Buffer.isBuffer(bytes) ? [bytes] : bytes) this.socket.write(b);
  }

  /** The next message, or undefined if the connection closes first; throws after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<Message | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.inbox.shift();
  }

  /** True if nothing arrives for `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
