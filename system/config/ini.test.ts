import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { DEFAULT_SECTION, parseIni } from './ini.js';

const defaults = (text: string) => Object.fromEntries([...parseIni(text, 't.ini').section(DEFAULT_SECTION)].map(([k, e]) => [k, e.value]));

describe('parseIni, by the rules of Python configparser', () => {
  it('reads the course file: [DEFAULT] and key = value', () => {
    expect(defaults('[DEFAULT]\nSERVER_PORT = 12345\nSERVER_IP = server\nSERVER_LISTEN_BACKLOG = 5\nLOGGING_LEVEL = INFO\n')).toEqual({
      server_port: '12345',
      server_ip: 'server',
      server_listen_backlog: '5',
      logging_level: 'INFO',
    });
  });

  it('keys are case-insensitive (kept lower-case, written case remembered), values keep their case', () => {
    const doc = parseIni('[DEFAULT]\nServer_Port = 1\nlogging_level = Debug\n', 't.ini');
    const section = doc.section(DEFAULT_SECTION);
    expect(section.get('server_port')).toEqual({ key: 'Server_Port', value: '1', line: 2 });
    expect(section.get('logging_level')?.value).toBe('Debug');
  });

  it('accepts ":" as well as "=", split at the first of either; values and keys are stripped', () => {
    expect(defaults('[DEFAULT]\nport: 1\nip   =   0.0.0.0   \naddr: host:99\nurl = a=b\n')).toEqual({ port: '1', ip: '0.0.0.0', addr: 'host:99', url: 'a=b' });
  });

  it('skips whole-line ; and # comments (indented too) and blank lines; no inline comments, as configparser', () => {
    expect(defaults('; top\n# also\n[DEFAULT]\n  ; indented comment\n\nport = 1 ; not a comment\nlevel = INFO # neither\n')).toEqual({
      port: '1 ; not a comment',
      level: 'INFO # neither',
    });
  });

  it('continues a value on more-indented lines, and cuts trailing blank lines', () => {
    expect(defaults('[DEFAULT]\nlist = a\n  b\n\n    c\n\nnext = 2\n')).toEqual({ list: 'a\nb\n\nc', next: '2' });
  });

  it('a section sees the keys of [DEFAULT]; its own win', () => {
    const doc = parseIni('[DEFAULT]\nport = 1\nip = x\n[other]\nport = 2\n', 't.ini');
    expect(Object.fromEntries([...doc.section('other')].map(([k, e]) => [k, e.value]))).toEqual({ port: '2', ip: 'x' });
    expect(doc.section(DEFAULT_SECTION).get('port')?.value).toBe('1');
  });

  it('section names are case-sensitive: [default] is not [DEFAULT]', () => {
    const doc = parseIni('[default]\nport = 1\n', 't.ini');
    expect(doc.section(DEFAULT_SECTION).size).toBe(0);
    expect(doc.sections.get('default')?.get('port')?.value).toBe('1');
  });

  it('interpolates %(key)s from the section or DEFAULT, and %% as %', () => {
    expect(defaults('[DEFAULT]\ndir = /output\nfile = %(DIR)s/bets.csv\npct = 100%%\n')).toEqual({ dir: '/output', file: '/output/bets.csv', pct: '100%' });
    expect(() => defaults('[DEFAULT]\npct = 100%\n')).toThrow(/lone '%'/);
    expect(() => defaults('[DEFAULT]\nfile = %(nope)s\n')).toThrow(/names no key/);
    expect(() => defaults('[DEFAULT]\na = %(b)s\nb = %(a)s\n')).toThrow(/deeper/);
  });

  it('reads CRLF files and a UTF-8 BOM', () => {
    expect(defaults('\uFEFF[DEFAULT]\r\nport = 1\r\nip = x\r\n')).toEqual({ port: '1', ip: 'x' });
  });

  it('refuses what configparser refuses, naming the file and line', () => {
    const refuse = (text: string, message: RegExp) => expect(() => parseIni(text, 't.ini')).toThrow(message);
    refuse('port = 1\n', /t\.ini:1: no section header/);
    refuse('[DEFAULT]\njust words\n', /t\.ini:2: expected "key = value"/);
    refuse('[DEFAULT]\n= 1\n', /t\.ini:2: expected/);
    refuse('[DEFAULT]\nport = 1\nPORT = 2\n', /t\.ini:3: PORT is set twice in its section \(first on line 2\)/);
    refuse('[a]\nx = 1\n[a]\n', /t\.ini:3: section \[a\] appears twice/);
    expect(() => parseIni('x = 1', 't.ini')).toThrow(ConfigError);
  });

  it('allows [DEFAULT] twice, as configparser does, with distinct keys', () => {
    expect(defaults('[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n')).toEqual({ a: '1', b: '2' });
  });
});
