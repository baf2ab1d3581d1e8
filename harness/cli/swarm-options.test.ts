import { describe, expect, it } from 'vitest';
import { RunUsageError } from './cli-errors.js';
import { parseRunOptions } from './run-options.js';

describe('run.mjs swarm flags', () => {
  it('runs on this host without them', () => {
    expect(parseRunOptions([]).swarm).toBeUndefined();
  });

  it('--swarm builds a local swarm of 3 nodes, --nodes K of K', () => {
    expect(parseRunOptions(['--swarm']).swarm).toEqual({ kind: 'local', nodes: 3 });
    expect(parseRunOptions(['--swarm', '--nodes', '4']).swarm).toEqual({ kind: 'local', nodes: 4 });
  });

  it('--swarm-manager with one --swarm-node per node runs on a given swarm', () => {
    expect(parseRunOptions(['--swarm-manager', 'a', '--swarm-node', 'a', '--swarm-node', 'unix:///run/b.sock']).swarm).toEqual({ kind: 'given', manager: 'a', nodes: ['a', 'unix:///run/b.sock'] });
  });

  it.each([
    [['--nodes', '3'], '--nodes needs --swarm'],
    [['--swarm', '--nodes', '0'], '--nodes must be'],
    [['--swarm', '--nodes', '9'], '--nodes must be'],
    [['--swarm-node', 'a'], '--swarm-node needs --swarm-manager'],
    [['--swarm-manager', 'a'], 'the endpoint of every node'],
    [['--swarm', '--swarm-manager', 'a', '--swarm-node', 'a'], 'does not go with --swarm'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRunOptions(argv)).toThrow(RunUsageError);
    expect(() => parseRunOptions(argv)).toThrow(message);
  });
});
