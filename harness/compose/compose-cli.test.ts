import { describe, expect, it } from 'vitest';
import { plainText } from './compose-cli.js';

describe('plainText', () => {
  it('drops the ESC[2K that compose 2.26 writes before every logs line, and colours', () => {
    expect(plainText('\u001b[2Kclient1  | action: x | result: success\n\u001b[2K\u001b[36mserver   |\u001b[0m y\n')).toBe(
      'client1  | action: x | result: success\nserver   | y\n',
    );
  });

  it('leaves ordinary text alone, brackets included', () => {
    expect(plainText('msg: [CLIENT 1] Message N°1')).toBe('msg: [CLIENT 1] Message N°1');
  });
});
