import { describe, expect, it } from 'vitest';
import { StatelessNonces } from '../src/stateless-nonce.js';
import { TestClock } from './helpers.js';

describe('StatelessNonces', () => {
  it('accepts its own nonce until it expires', () => {
    const clock = new TestClock();
    const nonces = new StatelessNonces(600_000, clock.now);
    const nonce = nonces.issue();

    expect(nonces.isValid(nonce)).toBe(true);
    clock.advanceSeconds(599);
    expect(nonces.isValid(nonce)).toBe(true);
    clock.advanceSeconds(1);
    expect(nonces.isValid(nonce)).toBe(false);
  });

  it("refuses another server's nonce and one with its expiry pushed back", () => {
    const clock = new TestClock();
    const nonces = new StatelessNonces(600_000, clock.now);
    const [expiry = '', signature = ''] = nonces.issue().split('.');
    const later = (Number.parseInt(expiry, 16) + 3_600_000).toString(16);

    expect(nonces.isValid(new StatelessNonces(600_000, clock.now).issue())).toBe(false);
    expect(nonces.isValid(`${later}.${signature}`)).toBe(false);
    expect(nonces.isValid(expiry)).toBe(false);
    expect(nonces.isValid('')).toBe(false);
  });
});
