import { describe, expect, it } from 'vitest';
import { bytesToHex, installUint8ArrayToHex } from '../src/lib/peer/uint8array-to-hex';

describe('Uint8Array.prototype.toHex for browsers without it', () => {
  it('writes every byte as two lower-case hex digits, as Node does', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(bytesToHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
    expect(bytesToHex(new Uint8Array([0, 0x0f, 0xa0]))).toBe('000fa0');
    expect(bytesToHex(new Uint8Array())).toBe('');
  });

  it('reads only the view it is called on, not the rest of its buffer', () => {
    const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
    expect(bytesToHex(view)).toBe('0203');
  });

  it('gives a prototype without toHex one that is not enumerable', () => {
    const bare = Object.create(null) as object;
    installUint8ArrayToHex(bare);
    const toHex = (bare as { toHex: (this: Uint8Array) => string }).toHex;
    expect(toHex.call(new Uint8Array([0xde, 0xad]))).toBe('dead');
    expect(Object.keys(bare)).toEqual([]);
  });

  it('leaves a browser’s own toHex alone', () => {
    const own = (): string => 'native';
    const prototype = { toHex: own };
    installUint8ArrayToHex(prototype);
    expect(prototype.toHex).toBe(own);
  });
});
