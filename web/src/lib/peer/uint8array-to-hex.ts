/**
 * `Uint8Array.prototype.toHex` for browsers without it (Safari before 18.2, Firefox before 133,
 * Chrome before 140). simple-peer's uint8-util (>= 2.3, which simple-peer 10 requires) calls it
 * to name every connection, so without it no call could start there. Of uint8-util's other
 * new-API calls (`fromHex`, `toBase64`, `fromBase64`) simple-peer uses none.
 */

/** Lower-case hex digits of `bytes`, as the built-in `toHex` gives them. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Adds `toHex` to `prototype` (by default Uint8Array's) where the browser has none. */
export function installUint8ArrayToHex(prototype: object = Uint8Array.prototype): void {
  if ('toHex' in prototype) return;
  // As built-in methods are: writable, configurable, not enumerable.
  Object.defineProperty(prototype, 'toHex', {
    value: function toHex(this: Uint8Array): string {
      return bytesToHex(this);
    },
    writable: true,
    configurable: true,
  });
}
