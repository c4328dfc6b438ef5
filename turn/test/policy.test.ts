import { describe, expect, it } from 'vitest';
import { DENIED_PEER_RANGES, isPeerAllowed } from '../src/index.js';
import { canonicalIp } from '../src/ip-address.js';
import type { TurnClient } from '../src/stun-client.js';
import { LOOPBACK, errorCodeOf, startTestTurn } from './helpers.js';
import { DENIED_SAMPLES } from './peer-samples.js';

const CHANNEL = 0x4000;
// A port number for ChannelBind's XOR-PEER-ADDRESS; nothing is ever sent there.
const ANY_PORT = 5004;

async function allocatedClient(options: Parameters<typeof startTestTurn>[0] = {}): Promise<{
  alice: TurnClient;
  nextEvent: Awaited<ReturnType<typeof startTestTurn>>['nextEvent'];
  events: Awaited<ReturnType<typeof startTestTurn>>['events'];
}> {
  const { client, nextEvent, events } = await startTestTurn(options);
  const alice = await client();
  await alice.allocate();
  return { alice, nextEvent, events };
}

describe('peer policy of the embedded server (defect 5)', () => {
  // The test server relays from 127.0.0.1, which is therefore an allowed peer
  // (relay-to-relay, see relay-to-relay.test.ts). Every range still has a sample.
  const samples = DENIED_SAMPLES.filter((address) => canonicalIp(address) !== LOOPBACK);

  it('still has a sample for every denied range', () => {
    const uncovered = DENIED_PEER_RANGES.filter((range) =>
      samples.every((sample) => isPeerAllowed(sample, { deniedPeers: [range.cidr] })),
    );
    expect(uncovered).toEqual([]);
  });

  it('answers 403 to CreatePermission toward every denied range', async () => {
    const { alice, events } = await allocatedClient();
    const answers: Record<string, number | 'ok'> = {};
    for (const address of samples)
      answers[address] = await errorCodeOf(alice.createPermission(address));

    expect(answers).toEqual(Object.fromEntries(samples.map((address) => [address, 403])));
    expect(events.filter((event) => event.type === 'peer-denied')).toHaveLength(samples.length);
  });

  it('answers 403 to ChannelBind toward every denied range', async () => {
    const { alice } = await allocatedClient();
    const answers: Record<string, number | 'ok'> = {};
    for (const address of samples) {
      answers[address] = await errorCodeOf(alice.channelBind(CHANNEL, { address, port: ANY_PORT }));
    }

    expect(answers).toEqual(Object.fromEntries(samples.map((address) => [address, 403])));
  });

  it('refuses a whole CreatePermission when one of its peers is denied', async () => {
    const { alice } = await allocatedClient({ allowedPeers: ['127.0.0.0/8'] });

    expect(await errorCodeOf(alice.createPermission('127.0.0.2', '10.0.0.1'))).toBe(403);
  });

  it('allows the operator’s allowedPeers and the server’s own relay address', async () => {
    const { alice } = await allocatedClient({ allowedPeers: ['10.0.0.0/8'] });

    expect(await errorCodeOf(alice.createPermission('10.1.2.3', '::ffff:10.1.2.4'))).toBe('ok');
    expect(await errorCodeOf(alice.createPermission(LOOPBACK, `::ffff:${LOOPBACK}`))).toBe('ok');
    expect(await errorCodeOf(alice.createPermission('127.0.0.2'))).toBe(403);
  });

  it('answers 443 to an allowed peer of the other address family', async () => {
    const { alice } = await allocatedClient();

    expect(await errorCodeOf(alice.createPermission('2001:4860:4860::8888'))).toBe(443);
  });
});
