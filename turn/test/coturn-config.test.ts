import { describe, expect, it } from 'vitest';
import { DENIED_PEER_RANGES, TurnOptionError, renderCoturnConfig } from '../src/index.js';
import { coturnRange } from '../src/coturn-config.js';
import { SECRET } from './helpers.js';

const options = {
  secret: SECRET,
  realm: 'mayfly.example',
  listeningPort: 3478,
  relayIp: '10.0.0.5',
  externalIp: '203.0.113.7',
  allowedPeers: ['192.168.50.0/24'],
  relayPortRange: { min: 49160, max: 49200 },
};

function settings(config: string): string[] {
  return config.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('renderCoturnConfig', () => {
  const config = renderCoturnConfig(options);
  const lines = settings(config);

  it('uses the signaling server’s REST API secret and realm', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        `static-auth-secret=${SECRET}`,
        'realm=mayfly.example',
        'listening-port=3478',
        'relay-ip=10.0.0.5',
        'external-ip=203.0.113.7',
        'min-port=49160',
        'max-port=49200',
      ]),
    );
  });

  it('carries the hardening options', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'no-multicast-peers',
        'no-tcp-relay',
        'user-quota=10',
        'total-quota=1000',
        'max-bps=500000',
        'no-cli',
        'no-software-attribute',
        'fingerprint',
        'stale-nonce=600',
        'no-tls',
      ]),
    );
  });

  it('denies every range of DENIED_PEER_RANGES, spelled as coturn ranges', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'denied-peer-ip=10.0.0.0-10.255.255.255',
        'denied-peer-ip=100.64.0.0-100.127.255.255',
        'denied-peer-ip=240.0.0.0-255.255.255.255',
        'denied-peer-ip=::1',
        'denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        'denied-peer-ip=64:ff9b::-64:ff9b::ffff:ffff',
      ]),
    );
    const denied = lines.filter((line) => line.startsWith('denied-peer-ip='));
    // `::/128` is the one range left to coturn (see coturnRange).
    expect(denied).toHaveLength(DENIED_PEER_RANGES.length - 1);
  });

  it('spells out the ::ffff: form of every IPv4 range (CVE-2026-27624, coturn < 4.9.0)', () => {
    for (const mapped of [
      '::ffff:0.0.0.0-::ffff:0.255.255.255',
      '::ffff:10.0.0.0-::ffff:10.255.255.255',
      '::ffff:100.64.0.0-::ffff:100.127.255.255',
      '::ffff:127.0.0.0-::ffff:127.255.255.255',
      '::ffff:169.254.0.0-::ffff:169.254.255.255',
      '::ffff:172.16.0.0-::ffff:172.31.255.255',
      '::ffff:192.0.0.0-::ffff:192.0.0.255',
      '::ffff:192.0.2.0-::ffff:192.0.2.255',
      '::ffff:192.88.99.0-::ffff:192.88.99.255',
      '::ffff:192.168.0.0-::ffff:192.168.255.255',
      '::ffff:198.18.0.0-::ffff:198.19.255.255',
      '::ffff:198.51.100.0-::ffff:198.51.100.255',
      '::ffff:203.0.113.0-::ffff:203.0.113.255',
      '::ffff:224.0.0.0-::ffff:239.255.255.255',
      '::ffff:240.0.0.0-::ffff:255.255.255.255',
    ]) {
      expect(lines).toContain(`denied-peer-ip=${mapped}`);
    }
    expect(config).toMatch(/coturn 4\.9\.0 or newer[\s\S]*CVE-2026-27624/u);
  });

  it('never writes an all-zero IPv6 bound, which coturn 4.6.1 reads as "every address"', () => {
    expect(coturnRange('::/128')).toBeUndefined();
    expect(coturnRange('::/96')).toBe('::1-::ffff:ffff');
    expect(lines).not.toContain('denied-peer-ip=::');
    expect(lines.some((line) => /^denied-peer-ip=::-/u.test(line))).toBe(false);
  });

  it('allows the operator’s ranges and its own relay addresses, explaining the exposure', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        'allowed-peer-ip=192.168.50.0-192.168.50.255',
        'allowed-peer-ip=10.0.0.5',
        'allowed-peer-ip=203.0.113.7',
      ]),
    );
    expect(config).toMatch(/EVERY UDP port on these addresses/u);
    expect(config).toMatch(/udp dport != <min-port>-<max-port> drop/u);
  });

  it('leaves relay-to-relay out when asked, and when no relay address is known', () => {
    const without = settings(renderCoturnConfig({ ...options, allowRelayToRelay: false }));
    expect(without.filter((line) => line.startsWith('allowed-peer-ip='))).toEqual([
      'allowed-peer-ip=192.168.50.0-192.168.50.255',
    ]);
    const bare = settings(renderCoturnConfig({ secret: SECRET, realm: 'mayfly.example' }));
    expect(bare.some((line) => line.startsWith('allowed-peer-ip='))).toBe(false);
  });

  it('gives TLS-on-443 guidance in comments, or the settings when certificates are given', () => {
    expect(config).toMatch(/^# tls-listening-port=443$/mu);
    expect(config).toMatch(/^# cert=/mu);
    const tls = settings(
      renderCoturnConfig({
        ...options,
        tls: { certFile: '/etc/ssl/turn.pem', keyFile: '/etc/ssl/turn.key' },
      }),
    );
    expect(tls).toEqual(
      expect.arrayContaining([
        'tls-listening-port=443',
        'cert=/etc/ssl/turn.pem',
        'pkey=/etc/ssl/turn.key',
      ]),
    );
    expect(tls).not.toContain('no-tls');
  });

  it('refuses values that would break out of their line', () => {
    expect(() => renderCoturnConfig({ ...options, secret: `${SECRET}\nno-auth` })).toThrow(
      TurnOptionError,
    );
    expect(() => renderCoturnConfig({ ...options, realm: 'a realm' })).toThrow(/realm/u);
    expect(() =>
      renderCoturnConfig({ ...options, externalIp: '1.2.3.4\nallowed-peer-ip=10.0.0.0' }),
    ).toThrow(/externalIp/u);
  });
});
