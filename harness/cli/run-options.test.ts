import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZES } from '../../testbed/dataset/dataset.js';
import { RunUsageError } from './cli-errors.js';
import { DEFAULT_CLIENTS, DEFAULT_FAULTS, DEFAULT_TIMEOUT_SECONDS, datasetPlan, ENV_OVERRIDES, parseRunOptions, USAGE } from './run-options.js';

describe('parseRunOptions', () => {
  it('has defaults', () => {
    expect(parseRunOptions([])).toEqual({
      clients: DEFAULT_CLIENTS,
      dataset: undefined,
      batchMax: undefined,
      json: false,
      progress: true,
      timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
      artifacts: undefined,
      nemesis: false,
      seed: undefined,
      faults: DEFAULT_FAULTS,
      scale: 1,
      report: undefined,
      verbose: false,
      logFormat: 'text',
      help: false,
    });
  });

  it('reads every flag, both --flag value and --flag=value', () => {
    const o = parseRunOptions(['--clients', '3', '--dataset=data', '--batch-max', '7', '--json', '--no-progress', '--timeout=60', '--artifacts', 'out'], {}, '/tmp/here');
    expect(o).toEqual({
      clients: 3,
      dataset: '/tmp/here/data',
      batchMax: 7,
      json: true,
      progress: false,
      timeoutSeconds: 60,
      artifacts: '/tmp/here/out',
      nemesis: false,
      seed: undefined,
      faults: DEFAULT_FAULTS,
      scale: 1,
      report: undefined,
      verbose: false,
      logFormat: 'text',
      help: false,
    });
    const n = parseRunOptions(['--nemesis', '--faults=3', '--scale', '20', '--report', 'r.html'], {}, '/tmp/here');
    expect(n).toMatchObject({ nemesis: true, seed: undefined, faults: 3, scale: 20, report: '/tmp/here/r.html' });
  });

  it('--verbose shows the harness\'s events; --log-format json makes them NDJSON and implies --verbose', () => {
    expect(parseRunOptions(['--verbose'])).toMatchObject({ verbose: true, logFormat: 'text' });
    expect(parseRunOptions(['--log-format', 'json'])).toMatchObject({ verbose: true, logFormat: 'json' });
    expect(parseRunOptions(['--log-format=text'])).toMatchObject({ verbose: false, logFormat: 'text' });
    expect(() => parseRunOptions(['--log-format', 'yaml'])).toThrow(/--log-format must be text or json/);
  });

  it('--seed N is the nemesis with that seed, 0 to 4294967295', () => {
    expect(parseRunOptions(['--seed', '42'])).toMatchObject({ nemesis: true, seed: 42, faults: DEFAULT_FAULTS });
    expect(parseRunOptions(['--seed=0']).seed).toBe(0);
    expect(parseRunOptions(['--seed', '4294967295', '--nemesis']).seed).toBe(4294967295);
  });

  it('--nemesis alone leaves the seed to the run (a fresh one)', () => {
    expect(parseRunOptions(['--nemesis'])).toMatchObject({ nemesis: true, seed: undefined });
  });

  it('accepts 0 clients (the server alone)', () => {
    expect(parseRunOptions(['--clients', '0']).clients).toBe(0);
  });

  it('resolves folders against the caller cwd, keeps absolute ones', () => {
    expect(parseRunOptions(['--dataset', '/abs/d'], {}, '/x').dataset).toBe('/abs/d');
    expect(parseRunOptions(['--dataset', '../d'], {}, '/x/y').dataset).toBe(resolve('/x/d'));
  });

  it('takes environment overrides, and a flag wins over them', () => {
    const env = { TP0_RUN_CLIENTS: '2', TP0_RUN_BATCH_MAX: '9', TP0_RUN_DATASET: 'd', TP0_RUN_TIMEOUT: '30', TP0_RUN_ARTIFACTS: '' };
    expect(parseRunOptions([], env, '/w')).toMatchObject({ clients: 2, batchMax: 9, dataset: '/w/d', timeoutSeconds: 30, artifacts: undefined });
    expect(parseRunOptions(['--clients', '4'], env, '/w').clients).toBe(4);
  });

  it('takes the nemesis, seed, faults, scale and report from the environment, and a flag wins', () => {
    const env = { TP0_RUN_NEMESIS: '1', TP0_RUN_FAULTS: '2', TP0_RUN_SCALE: '3', TP0_RUN_REPORT: 'out/r.html' };
    expect(parseRunOptions([], env, '/w')).toMatchObject({ nemesis: true, seed: undefined, faults: 2, scale: 3, report: '/w/out/r.html' });
    expect(parseRunOptions(['--faults', '9', '--scale', '1', '--report', '/abs.html'], env, '/w')).toMatchObject({ faults: 9, scale: 1, report: '/abs.html' });
    expect(parseRunOptions([], { TP0_RUN_SEED: '7' })).toMatchObject({ nemesis: true, seed: 7 });
    expect(parseRunOptions(['--seed', '8'], { TP0_RUN_SEED: '7' }).seed).toBe(8);
    expect(parseRunOptions([], { TP0_RUN_NEMESIS: '0' }).nemesis).toBe(false);
    expect(parseRunOptions([], { TP0_RUN_NEMESIS: '' }).nemesis).toBe(false);
    expect(() => parseRunOptions([], { TP0_RUN_NEMESIS: 'yes' })).toThrow(/TP0_RUN_NEMESIS must be 1 or 0, got "yes"/);
    expect(() => parseRunOptions([], { TP0_RUN_SEED: '-3' })).toThrow(/TP0_RUN_SEED must be a whole number/);
  });

  it('refuses --faults without the nemesis and --scale with --dataset, naming where each came from', () => {
    expect(() => parseRunOptions(['--faults', '3'])).toThrow(/--faults needs the nemesis/);
    expect(() => parseRunOptions([], { TP0_RUN_FAULTS: '3' })).toThrow(/TP0_RUN_FAULTS needs the nemesis/);
    expect(() => parseRunOptions(['--scale', '2', '--dataset', 'd'])).toThrow(/--scale scales the generated set; it does not go with --dataset/);
    expect(() => parseRunOptions(['--dataset', 'd'], { TP0_RUN_SCALE: '2' })).toThrow(/TP0_RUN_SCALE .* --dataset/);
    expect(() => parseRunOptions(['--scale', '2'], { TP0_RUN_DATASET: 'd' })).toThrow(/--scale .* TP0_RUN_DATASET/);
  });

  it('refuses a scale that makes more bets than a generated set holds', () => {
    expect(parseRunOptions(['--clients', '60', '--scale', '100']).scale).toBe(100);
    expect(() => parseRunOptions(['--clients', '500', '--scale', '100'])).toThrow(/500 agencies at scale 100 would be 786970000 bets; a generated set holds at most 100000000/);
  });

  it('names the environment variable when its value is bad', () => {
    expect(() => parseRunOptions([], { TP0_RUN_CLIENTS: 'five' })).toThrow(/TP0_RUN_CLIENTS must be a whole number/);
    expect(() => parseRunOptions([], { TP0_RUN_BATCH_MAX: '70000' })).toThrow(/TP0_RUN_BATCH_MAX must be between 1 and 65535/);
    expect(parseRunOptions(['--batch-max', '65535'], {}).batchMax).toBe(65_535);
  });

  it.each([
    [['--clients', '-1'], /^Option '--clients' argument is ambiguous\.$/],
    [['--clients=-1'], /--clients must be a whole number, got "-1"/],
    [['--clients', 'x'], /--clients must be a whole number, got "x"/],
    [['--clients', '2.5'], /--clients must be a whole number/],
    [['--clients', '501'], /--clients must be between 0 and 500/],
    [['--batch-max', '0'], /--batch-max must be between 1 and/],
    // A batch's count is a u16 on the wire: a client refuses more (it would exit 2, every one of them).
    [['--batch-max', '65536'], /--batch-max must be between 1 and 65535 \(a batch's count is a u16 on the wire\), got 65536/],
    [['--batch-max', '1000000'], /--batch-max must be between 1 and 65535/],
    [['--timeout', '0'], /--timeout must be between 1 and/],
    [['--dataset', ' '], /--dataset must not be empty/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--clients'], /^Option '--clients <value>' argument missing$/],
    [['--json=yes'], /--json' does not take an argument/],
    [['--seed', '4294967296'], /--seed must be between 0 and 4294967295, got 4294967296/],
    [['--seed', '1e3'], /--seed must be a whole number, got "1e3"/],
    [['--nemesis', '--faults', '0'], /--faults must be between 1 and 100/],
    [['--seed', '1', '--faults', '101'], /--faults must be between 1 and 100/],
    [['--scale', '0'], /--scale must be between 1 and 100, got 0/],
    [['--scale', '101'], /--scale must be between 1 and 100/],
    [['--scale', '1.5'], /--scale must be a whole number/],
    [['--report', ''], /--report must not be empty/],
    [['--nemesis=1'], /--nemesis' does not take an argument/],
  ])('refuses %j', (argv, message) => {
    let error: unknown;
    try {
      parseRunOptions(argv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RunUsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('reads --help and -h', () => {
    expect(parseRunOptions(['--help']).help).toBe(true);
    expect(parseRunOptions(['-h']).help).toBe(true);
  });

  it('documents every flag and environment variable in the usage text', () => {
    for (const word of ['--clients', '--dataset', '--batch-max', '--json', '--help', '--no-progress', '--timeout', '--artifacts', '--nemesis', '--seed', '--faults', '--scale', '--report']) {
      expect(USAGE).toContain(word);
    }
    for (const name of Object.values(ENV_OVERRIDES)) expect(USAGE).toContain(name);
    expect(USAGE).toContain('TP0_RUN_NEMESIS=1');
  });
});

describe('datasetPlan', () => {
  it('uses the folder when one is given', () => {
    expect(datasetPlan({ clients: 9, dataset: '/d', scale: 1 })).toEqual({ kind: 'folder', dir: '/d' });
  });

  it('uses the classic generated set for up to 5 agencies', () => {
    expect(datasetPlan({ clients: 0, dataset: undefined, scale: 1 })).toEqual({ kind: 'generated', sizes: undefined });
    expect(datasetPlan({ clients: 5, dataset: undefined, scale: 1 })).toEqual({ kind: 'generated', sizes: undefined });
  });

  it('repeats the classic sizes for more agencies', () => {
    const plan = datasetPlan({ clients: 7, dataset: undefined, scale: 1 });
    expect(plan).toEqual({ kind: 'generated', sizes: [...DEFAULT_SIZES, DEFAULT_SIZES[0], DEFAULT_SIZES[1]] });
  });

  it('multiplies every size by the scale: the classic five, or the repeated sizes for more agencies', () => {
    expect(datasetPlan({ clients: 5, dataset: undefined, scale: 20 })).toEqual({ kind: 'generated', sizes: DEFAULT_SIZES.map((n) => n * 20) });
    expect(datasetPlan({ clients: 2, dataset: undefined, scale: 2 })).toEqual({ kind: 'generated', sizes: DEFAULT_SIZES.map((n) => n * 2) });
    const plan = datasetPlan({ clients: 6, dataset: undefined, scale: 3 });
    expect(plan).toEqual({ kind: 'generated', sizes: [...DEFAULT_SIZES, DEFAULT_SIZES[0] as number].map((n) => n * 3) });
  });
});
