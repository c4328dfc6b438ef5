/**
 * The local scope (peer-access.ts): with a `local-` credential, from an address of this machine,
 * an allocation may reach this machine's own non-loopback addresses on ports >= 1024.
 * The machine's addresses are injected: 127.0.0.2 plays its network interface, so that every
 * datagram stays on loopback.
 */
import { describe, expect, it } from 'vitest';
import { mintTurnCredential, turnPasswordFor } from '../src/index.js';
import type { EmbeddedTurnOptions, HostAddress } from '../src/index.js';
import { SECRET, errorCodeOf, startEchoPeer, startTestTurn } from './helpers.js';

const INTERFACE = '127.0.0.2';
const HOST_ADDRESSES: readonly HostAddress[] = [
  { address: '127.0.0.1', internal: true },
  { address: '127.0.0.9', internal: true },
  { address: INTERFACE, internal: false },
];
/** A loopback address the injected list does not name: a client "elsewhere". */
const ELSEWHERE = '127.0.0.3';

async function localTurn(options: Partial<EmbeddedTurnOptions> = {}) {
  const turnServer = await startTestTurn({
    localScope: true,
    hostAddresses: () => HOST_ADDRESSES,
    ...options,
  });
  const localCredential = () =>
    mintTurnCredential({
      secret: SECRET,
      ttlSeconds: 3600,
      local: true,
      now: turnServer.clock.now(),
    });
  return { ...turnServer, localCredential };
}

describe('the local scope of the embedded server', () => {
  it("relays for a client on this machine to this machine's own address, both ways", async () => {
    const { client, localCredential } = await localTurn();
    const otherBrowser = await startEchoPeer(INTERFACE);
    const alice = await client(localCredential());
    await alice.allocate();

    await alice.createPermission(INTERFACE);
    alice.sendIndication(otherBrowser.address, Buffer.from('host candidate?'));
    expect(await alice.nextData()).toMatchObject({ peer: otherBrowser.address });

    await alice.channelBind(0x4000, otherBrowser.address);
    alice.sendChannelData(0x4000, Buffer.from('on a channel'));
    expect(await alice.nextData()).toMatchObject({ via: 'channel-data' });
    expect(otherBrowser.received.map(({ data }) => data.toString())).toEqual([
      'host candidate?',
      'on a channel',
    ]);
  });

  it("refuses this machine's addresses to a credential without the local- marker", async () => {
    const { client } = await localTurn();
    const alice = await client();
    await alice.allocate();

    expect(await errorCodeOf(alice.createPermission(INTERFACE))).toBe(403);
  });

  it('gives no local scope to a local- credential used from an address not of this machine', async () => {
    const { client, localCredential, events } = await localTurn();
    const remote = await client(localCredential(), { localAddress: ELSEWHERE });
    await remote.allocate();

    expect(await errorCodeOf(remote.createPermission(INTERFACE))).toBe(403);
    expect(await errorCodeOf(remote.channelBind(0x4000, { address: INTERFACE, port: 5004 }))).toBe(
      403,
    );
    expect(events).toContainEqual({ type: 'peer-denied', request: 'create-permission' });
  });

  it('refuses a local- username that was not minted with the secret', async () => {
    const { client, clock, events } = await localTurn();
    const username = `${Math.floor(clock.now() / 1000) + 3600}:local-forged`;
    const forger = await client({
      username,
      credential: turnPasswordFor('a-guessed-secret-of-some-length', username),
    });

    expect(await errorCodeOf(forger.allocate())).toBe(401);
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'forged' });
  });

  it('never reaches loopback or the system ports of this machine', async () => {
    const { client, localCredential, nextEvent } = await localTurn();
    const alice = await client(localCredential());
    await alice.allocate();

    expect(await errorCodeOf(alice.createPermission('127.0.0.9'))).toBe(403);
    await alice.createPermission(INTERFACE);
    const dropped = nextEvent('local-scope-port-dropped');
    alice.sendIndication({ address: INTERFACE, port: 1023 }, Buffer.from('to a system port'));
    await expect(dropped).resolves.toEqual({ type: 'local-scope-port-dropped' });
  });

  it('is off unless the server is started with localScope', async () => {
    const { client, localCredential } = await localTurn({ localScope: false });
    const alice = await client(localCredential());
    await alice.allocate();

    expect(await errorCodeOf(alice.createPermission(INTERFACE))).toBe(403);
  });
});
