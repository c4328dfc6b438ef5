import { describe, expect, it } from 'vitest';
import {
  DENIED_PEER_RANGES,
  TurnOptionError,
  compilePeerPolicy,
  isPeerAllowed,
} from '../src/index.js';
import { ALLOWED_SAMPLES, DENIED_SAMPLES } from './peer-samples.js';

describe('isPeerAllowed', () => {
  it.each(DENIED_SAMPLES)('refuses %s', (address) => {
    expect(isPeerAllowed(address)).toBe(false);
  });

  it.each(ALLOWED_SAMPLES)('allows the public address %s', (address) => {
    expect(isPeerAllowed(address)).toBe(true);
  });

  it('has a sample for every denied range, so the relay tests cover them all', () => {
    const uncovered = DENIED_PEER_RANGES.filter((range) =>
      DENIED_SAMPLES.every((sample) => isPeerAllowed(sample, { deniedPeers: [range.cidr] })),
    );
    expect(uncovered).toEqual([]);
  });

  it('spells out the IPv4-mapped form of every IPv4 range, for coturn < 4.9.0', () => {
    const ipv4 = DENIED_PEER_RANGES.filter((range) => !range.cidr.includes(':'));
    const mapped = DENIED_PEER_RANGES.filter((range) => range.cidr.startsWith('::ffff:'));
    expect(mapped.map((range) => range.cidr)).toEqual(
      ipv4.map((range) => {
        const [network, prefix] = range.cidr.split('/');
        return `::ffff:${network}/${96 + Number(prefix)}`;
      }),
    );
  });

  it.each([
    'localhost',
    '127.1',
    '0x7f.0.0.1',
    '010.0.0.1',
    '2130706433',
    'fe80::1%eth0',
    '',
    '1.2.3.4:5',
  ])('refuses %j, which is not a plain IP literal', (address) => {
    expect(isPeerAllowed(address)).toBe(false);
    expect(isPeerAllowed(address, { allowedPeers: ['0.0.0.0/0', '::/0'] })).toBe(false);
  });

  it('lets allowedPeers override the deny list, for IPv4 and its mapped form alike', () => {
    const policy = { allowedPeers: ['10.0.0.0/8', 'fd00::/8'] };
    expect(isPeerAllowed('10.1.2.3', policy)).toBe(true);
    expect(isPeerAllowed('::ffff:10.1.2.3', policy)).toBe(true);
    expect(isPeerAllowed('fd12::1', policy)).toBe(true);
    expect(isPeerAllowed('192.168.1.1', policy)).toBe(false);
    expect(isPeerAllowed('127.0.0.1', policy)).toBe(false);
  });

  it('fails fast on a malformed allowedPeers entry, naming the option', () => {
    expect(() => compilePeerPolicy({ allowedPeers: ['10.0.0.0/33'] })).toThrow(TurnOptionError);
    expect(() => compilePeerPolicy({ allowedPeers: ['10.0.0.1/8'] })).toThrow(
      /allowedPeers.*10\.0\.0\.0\/8/u,
    );
    expect(() => compilePeerPolicy({ allowedPeers: ['example.org'] })).toThrow(/allowedPeers/u);
  });
});
