import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZES } from '../../system/dataset/dataset.js';
import { RunUsageError } from './cli-errors.js';
import { DEFAULT_CLIENTS, DEFAULT_TIMEOUT_SECONDS, datasetPlan, parseRunOptions, USAGE } from './run-options.js';

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
      help: false,
    });
  });

  it('reads every flag, both --flag value and --flag=value', () => {
    const o = parseRunOptions(['--clients', '3', '--dataset=data', '--batch-max', '7', '--json', '--no-progress', '--timeout=60', '--artifacts', 'out'], {}, '/tmp/here');
    expect(o).toEqual({ clients: 3, dataset: '/tmp/here/data', batchMax: 7, json: true, progress: false, timeoutSeconds: 60, artifacts: '/tmp/here/out', help: false });
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

  it('names the environment variable when its value is bad', () => {
    expect(() => parseRunOptions([], { TP0_RUN_CLIENTS: 'five' })).toThrow(/TP0_RUN_CLIENTS must be a whole number/);
  });

  it.each([
    [['--clients', '-1'], /^Option '--clients' argument is ambiguous\.$/],
    [['--clients=-1'], /--clients must be a whole number, got "-1"/],
    [['--clients', 'x'], /--clients must be a whole number, got "x"/],
    [['--clients', '2.5'], /--clients must be a whole number/],
    [['--clients', '501'], /--clients must be between 0 and 500/],
    [['--batch-max', '0'], /--batch-max must be between 1 and/],
    [['--timeout', '0'], /--timeout must be between 1 and/],
    [['--dataset', ' '], /--dataset must not be empty/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--clients'], /^Option '--clients <value>' argument missing$/],
    [['--json=yes'], /--json' does not take an argument/],
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
    for (const word of ['--clients', '--dataset', '--batch-max', '--json', '--help', '--no-progress', '--timeout', '--artifacts', 'TP0_RUN_CLIENTS', 'TP0_RUN_BATCH_MAX']) {
      expect(USAGE).toContain(word);
    }
  });
});

describe('datasetPlan', () => {
  it('uses the folder when one is given', () => {
    expect(datasetPlan({ clients: 9, dataset: '/d' })).toEqual({ kind: 'folder', dir: '/d' });
  });

  it('uses the classic generated set for up to 5 agencies', () => {
    expect(datasetPlan({ clients: 0, dataset: undefined })).toEqual({ kind: 'generated', sizes: undefined });
    expect(datasetPlan({ clients: 5, dataset: undefined })).toEqual({ kind: 'generated', sizes: undefined });
  });

  it('repeats the classic sizes for more agencies', () => {
    const plan = datasetPlan({ clients: 7, dataset: undefined });
    expect(plan).toEqual({ kind: 'generated', sizes: [...DEFAULT_SIZES, DEFAULT_SIZES[0], DEFAULT_SIZES[1]] });
  });
});
