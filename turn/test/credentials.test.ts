import { describe, expect, it } from 'vitest';
import {
  TurnOptionError,
  isLocalCredentialId,
  mintTurnCredential,
  verifyTurnCredential,
} from '../src/index.js';
import { SECRET } from './helpers.js';

const NOW = 1_699_996_400_000; // 1700000000 - 3600 s

describe('mintTurnCredential', () => {
  it('mints coturn REST API credentials: <expiry>:<id> and base64 HMAC-SHA1', () => {
    // Expected value from: printf 1700000000:alice | openssl dgst -sha1 -hmac <secret> -binary | base64
    expect(mintTurnCredential({ secret: SECRET, ttlSeconds: 3600, id: 'alice', now: NOW })).toEqual(
      {
        username: '1700000000:alice',
        credential: 'oj2Q6xDcUXdfDVqg5RDBRW94T68=',
        ttl: 3600,
      },
    );
  });

  it('uses a random id when none is given', () => {
    const first = mintTurnCredential({ secret: SECRET, ttlSeconds: 60, now: NOW });
    const second = mintTurnCredential({ secret: SECRET, ttlSeconds: 60, now: NOW });
    expect(first.username).toMatch(/^1699996460:[0-9a-f]{16}$/u);
    expect(first.username).not.toBe(second.username);
  });

  it('marks a credential for a client on this machine with the local- prefix, covered by the HMAC', () => {
    const local = mintTurnCredential({ secret: SECRET, ttlSeconds: 60, local: true, now: NOW });
    const named = mintTurnCredential({ secret: SECRET, ttlSeconds: 60, id: 'x', local: true });
    const check = verifyTurnCredential({ secret: SECRET, ...local, now: NOW });

    expect(local.username).toMatch(/^1699996460:local-[0-9a-f]{16}$/u);
    expect(named.username).toMatch(/:local-x$/u);
    expect(check.ok && isLocalCredentialId(check.id)).toBe(true);
    expect(
      verifyTurnCredential({
        secret: SECRET,
        username: local.username.replace(':local-', ':'),
        credential: local.credential,
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses the local- prefix in an id given without the local option', () => {
    expect(() => mintTurnCredential({ secret: SECRET, ttlSeconds: 60, id: 'local-x' })).toThrow(
      /local- prefix/u,
    );
  });

  it('refuses a short secret, a non-positive ttl and an id with a colon', () => {
    expect(() => mintTurnCredential({ secret: 'short', ttlSeconds: 60 })).toThrow(TurnOptionError);
    expect(() => mintTurnCredential({ secret: SECRET, ttlSeconds: 0 })).toThrow(/ttlSeconds/u);
    expect(() => mintTurnCredential({ secret: SECRET, ttlSeconds: 60, id: 'a:b' })).toThrow(/id/u);
  });
});

describe('verifyTurnCredential', () => {
  const { username, credential } = mintTurnCredential({
    secret: SECRET,
    ttlSeconds: 60,
    id: 'alice',
    now: NOW,
  });

  it('accepts a credential it minted, until it expires', () => {
    expect(verifyTurnCredential({ secret: SECRET, username, credential, now: NOW })).toEqual({
      ok: true,
      id: 'alice',
    });
    expect(
      verifyTurnCredential({ secret: SECRET, username, credential, now: NOW + 60_000 }),
    ).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses forged, malformed and missing credentials', () => {
    const check = (user: string | undefined, password: string | undefined): unknown =>
      verifyTurnCredential({ secret: SECRET, username: user, credential: password, now: NOW });
    expect(check(username, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(check('1699996460:mallory', credential)).toEqual({ ok: false, reason: 'forged' });
    expect(check('constructor', String(Object))).toEqual({ ok: false, reason: 'malformed' });
    expect(check('__proto__', '[object Object]')).toEqual({ ok: false, reason: 'malformed' });
    expect(check('alice', credential)).toEqual({ ok: false, reason: 'malformed' });
    expect(check(undefined, credential)).toEqual({ ok: false, reason: 'missing' });
    expect(check(username, '')).toEqual({ ok: false, reason: 'missing' });
  });
});
