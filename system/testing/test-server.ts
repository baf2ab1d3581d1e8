/** Test support: a real server on loopback in this process, with its log in memory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, MemorySink } from '../log/logger.js';
import { nodePlatform } from '../platform/node-platform.js';
import { nodeProcessInfo } from '../platform/node-process.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../server/config.js';
import { LotteryServer } from '../server/server.js';

export function tempDir(prefix = 'tp0-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServer {
  readonly server: LotteryServer;
  readonly port: number;
  readonly betsFile: string;
  readonly sink: MemorySink;
  stop(): Promise<void>;
}

export async function startTestServer(dir: string, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const config: ServerConfig = {
    ...DEFAULT_SERVER_CONFIG,
    ip: '127.0.0.1',
    port: 0,
    betsFile: join(dir, 'bets.csv'),
    ...overrides,
  };
  const sink = new MemorySink();
  const log = new Logger(config.loggingLevel, sink);
  const server = await LotteryServer.start(config, log, nodePlatform, nodeProcessInfo);
  return { server, port: server.address.port, betsFile: config.betsFile, sink, stop: () => server.shutdown('test') };
}

/** Log lines whose action is `action` (and result, when given). */
export function linesOf(sink: MemorySink, action: string, result?: string): string[] {
  return sink.lines.filter((l) => l.includes(` action: ${action} | `) && (result === undefined || l.includes(`| result: ${result}`)));
}

/** Waits until `check` holds, polling every 10 ms (tests only). */
export async function eventually(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
