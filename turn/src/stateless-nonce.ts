/**
 * TURN nonces that need no state (defect 6: node-turn armed a one-hour timer
 * for every nonce and kept each in a map an unauthenticated sender could
 * grow). A nonce is its expiry time plus an HMAC of it under a key of this
 * server alone, so checking one needs nothing but the key and the clock.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class StatelessNonces {
  private readonly key = randomBytes(32);

  constructor(
    private readonly lifetimeMs: number,
    /** Clock in milliseconds. */
    private readonly now: () => number,
  ) {}

  /** `<expiry in hex>.<signature>`: printable, and shorter than RFC 8489's 128 characters. */
  issue(): string {
    const expiry = (this.now() + this.lifetimeMs).toString(16);
    return `${expiry}.${this.sign(expiry)}`;
  }

  /** Whether this server issued `nonce` and it has not expired. */
  isValid(nonce: string): boolean {
    const [expiry = '', signature = ''] = nonce.split('.');
    const expected = Buffer.from(this.sign(expiry));
    const given = Buffer.from(signature);
    return (
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      Number.parseInt(expiry, 16) > this.now()
    );
  }

  private sign(expiry: string): string {
    return createHmac('sha256', this.key).update(expiry).digest('hex').slice(0, 32);
  }
}
