/**
 * Probes and mock servers, as strategies with static factories (like testcontainers' `Wait`):
 *
 *   const echo = await run.probe(Probes.netcat());                  // against the run's server
 *   await run.startMock(MockServers.silent('mock-silent'));
 *   const silent = await run.probe(Probes.netcat({ host: 'mock-silent' }));
 *
 * Each runs as a container of the tp0-netcat-tester image on the run's own network.
 */
import type { ContainerHandle } from '../run/container-handle.js';
import type { EventFilter, TimelineEntry } from '../run/timeline.js';

export const PROBE_LINE = /action: test_echo_server \| result: (success|fail)\s*$/;
/** What validar-echo-server.sh sends: `tp0-echo-` and 16 random hex digits. */
export const PROBE_MESSAGE = /^tp0-echo-[0-9a-f]{16}$/;
/** How long a successful probe waits for the server's `receive_message` line. */
const SERVER_LINE_WAIT_MS = 5000;

/** What probes and mocks need from a run. */
export interface ProbeContext {
  readonly netcatTesterImage: string;
  /** Starts a container of `image` on the run's network, with `service` as its name and alias. */
  startContainer(
    service: string,
    image: string,
    options: { entrypoint?: readonly string[]; command?: readonly string[]; readyLine?: RegExp },
  ): Promise<ContainerHandle>;
  /** A service name not used yet in this run (`probe-1`, `probe-2`, …). */
  freshName(prefix: string): string;
  /** Resolves with the first `count` timeline entries that match, or rejects after `timeoutMs` (runs have it; test fakes need not). */
  waitFor?(filter: EventFilter, count?: number, timeoutMs?: number): Promise<TimelineEntry[]>;
}

export interface ProbeResult {
  readonly result: 'success' | 'fail';
  /** The probe's result line, exactly as printed. */
  readonly line: string | undefined;
  readonly exitCode: number;
  readonly durationMs: number;
  /** Everything the probe container printed (its reasons go to stderr). */
  readonly output: string;
  /**
   * Probing the run's own server with success: the server's line for the probe's message
   * (`action: receive_message | result: success | ip: … | msg: tp0-echo-…`), waited for up to
   * 5 s; undefined when it never came, or when the target was another host.
   */
  readonly serverLine: string | undefined;
}

export interface Probe<R> {
  readonly description: string;
  run(ctx: ProbeContext): Promise<R>;
}

export interface NetcatOptions {
  readonly host?: string;
  readonly port?: number;
  /** Seconds the probe waits for the whole answer. */
  readonly timeoutSeconds?: number;
}

export class ProbeOutputError extends Error {
  override readonly name = 'ProbeOutputError';
}

class NetcatProbe implements Probe<ProbeResult> {
  private async serverLine(ctx: ProbeContext, since: number): Promise<string | undefined> {
    const filter: EventFilter = {
      source: 'server',
      action: 'receive_message',
      result: 'success',
      where: (e) => e.at >= since && PROBE_MESSAGE.test(e.event?.details.msg ?? ''),
    };
    if (ctx.waitFor === undefined) return undefined;
    try {
      const [entry] = await ctx.waitFor(filter, 1, SERVER_LINE_WAIT_MS);
      return entry?.text;
    } catch {
      return undefined;
    }
  }

  readonly description: string;
  constructor(private readonly options: NetcatOptions) {
    this.description = `netcat echo probe → ${options.host ?? 'server'}:${options.port ?? 12345}`;
  }

  async run(ctx: ProbeContext): Promise<ProbeResult> {
    const command = ['--host', this.options.host ?? 'server', '--port', String(this.options.port ?? 12345)];
    if (this.options.timeoutSeconds !== undefined) command.push('--timeout', String(this.options.timeoutSeconds));
    const started = performance.now();
    // Engine timestamps and this clock agree to well under a second on one host.
    const startedAt = Date.now() - 1000;
    const handle = await ctx.startContainer(ctx.freshName('probe'), ctx.netcatTesterImage, { command });
    try {
      const exitCode = await handle.waitForExit(60_000);
      const durationMs = performance.now() - started;
      const output = handle.logText();
      const line = output.split('\n').find((l) => PROBE_LINE.test(l));
      if (line === undefined) throw new ProbeOutputError(`the probe printed no result line (exit ${exitCode}):\n${output}`);
      const result = (PROBE_LINE.exec(line) as RegExpExecArray)[1] as 'success' | 'fail';
      const toServer = (this.options.host ?? 'server') === 'server';
      const serverLine = result === 'success' && toServer ? await this.serverLine(ctx, startedAt) : undefined;
      return { result, line: line.trim(), exitCode, durationMs, output, serverLine };
    } finally {
      await handle.remove();
    }
  }
}

export class Probes {
  /** `validar-echo-server.sh` in a container on the run's network (default target: the server). */
  static netcat(options: NetcatOptions = {}): Probe<ProbeResult> {
    return new NetcatProbe(options);
  }
}

/** A fake server for negative tests, reachable on the run's network by its alias. */
export interface MockServer {
  readonly alias: string;
  readonly description: string;
  start(ctx: ProbeContext): Promise<ContainerHandle>;
}

function mock(mode: 'wrong' | 'silent' | 'echo', alias: string, port: number, description: string): MockServer {
  return {
    alias,
    description,
    start: (ctx) =>
      ctx.startContainer(alias, ctx.netcatTesterImage, {
        entrypoint: ['/bin/sh'],
        command: ['/usr/local/bin/mock-server.sh', mode, String(port)],
        readyLine: /listening on port/,
      }),
  };
}

export class MockServers {
  /** Accepts, reads the frame, answers a frame of the same type and length with wrong bytes. */
  static wrongAnswer(alias = 'mock-wrong', port = 12345): MockServer {
    return mock('wrong', alias, port, 'answers with wrong bytes');
  }

  /** Accepts and never answers, keeping the connection open. */
  static silent(alias = 'mock-silent', port = 12345): MockServer {
    return mock('silent', alias, port, 'accepts and never answers');
  }

  /** A correct echo responder (to check the probe itself). */
  static echo(alias = 'mock-echo', port = 12345): MockServer {
    return mock('echo', alias, port, 'echoes what it gets');
  }
}
