import { describe, expect, it } from 'vitest';
import { LocalBaseError, parentDirs, parseLdd } from './local-base.js';
import { appletLinks } from './local-net-tools-base.js';

describe('parseLdd', () => {
  it('lists library paths and the loader, not the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd5a1f2000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f4581c3c000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4581739000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f4581c54000)',
    ].join('\n');
    expect(parseLdd(output)).toEqual([
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('merges the lists of several programs, without their headings', () => {
    const output = [
      '/usr/sbin/tc:',
      '\tlinux-vdso.so.1 (0x00007ffd5a1f2000)',
      '\tlibmnl.so.0 => /lib/x86_64-linux-gnu/libmnl.so.0 (0x00007f0e53f89000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4581739000)',
      '/usr/sbin/ip:',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4581739000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f4581c54000)',
      '/bin/busybox:',
      '\tnot a dynamic executable',
    ].join('\n');
    expect(parseLdd(output)).toEqual([
      '/lib/x86_64-linux-gnu/libmnl.so.0',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('gives nothing for a static program and fails on a missing library', () => {
    expect(parseLdd('\tnot a dynamic executable\n')).toEqual([]);
    expect(() => parseLdd('\tlibfoo.so.1 => not found\n')).toThrow(LocalBaseError);
  });
});

describe('parentDirs', () => {
  it('lists every parent folder once, parents first', () => {
    expect(parentDirs(['/usr/local/bin/node', 'usr/lib/x/libc.so', 'etc/passwd'])).toEqual([
      'etc',
      'usr',
      'usr/lib',
      'usr/local',
      'usr/lib/x',
      'usr/local/bin',
    ]);
  });
});

describe('appletLinks (net-tools base)', () => {
  it('links the applets to busybox, except those the base has for real (ip, tc, iptables)', () => {
    expect(appletLinks(['bin/sh', 'sbin/ip', 'sbin/tc', 'bin/ping', 'usr/sbin/iptables'])).toEqual([
      { kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
      { kind: 'symlink', path: 'bin/ping', target: '/bin/busybox' },
    ]);
  });
});
