import { describe, expect, it } from 'vitest';
import { LOOPBACK, startEchoPeer, startTestTurn } from './helpers.js';

// No allowedPeers: 127.0.0.1 is reachable only because it is the server's own
// relay address, as a private relay-ip would be in production.
describe('relay-to-relay through the server’s own relay address (defect 5)', () => {
  async function twoRelayedStrangers() {
    const turnServer = await startTestTurn();
    const alice = await turnServer.client(turnServer.credential('alice'));
    const bob = await turnServer.client(turnServer.credential('bob'));
    const aliceRelay = (await alice.allocate()).relayed;
    const bobRelay = (await bob.allocate()).relayed;
    await alice.createPermission(bobRelay.address);
    await bob.createPermission(aliceRelay.address);
    return { alice, bob, aliceRelay, bobRelay, turnServer };
  }

  it('delivers data between two allocations of the server, by indication and by channel', async () => {
    const { alice, bob, aliceRelay, bobRelay } = await twoRelayedStrangers();

    alice.sendIndication(bobRelay, Buffer.from('hi bob'));
    expect(await bob.nextData()).toEqual({
      peer: aliceRelay,
      data: Buffer.from('hi bob'),
      via: 'data-indication',
    });

    await bob.channelBind(0x4000, aliceRelay);
    bob.sendChannelData(0x4000, Buffer.from('hi alice'));
    expect(await alice.nextData()).toEqual({
      peer: bobRelay,
      data: Buffer.from('hi alice'),
      via: 'data-indication',
    });
    alice.sendIndication(bobRelay, Buffer.from('on your channel'));
    expect(await bob.nextData()).toMatchObject({ via: 'channel-data', peer: aliceRelay });
  });

  it('drops data toward any other port of the relay address', async () => {
    const { alice, bob, bobRelay, turnServer } = await twoRelayedStrangers();
    const otherService = await startEchoPeer();
    expect(otherService.address.address).toBe(LOOPBACK);

    for (const port of [otherService.address.port, turnServer.server.port]) {
      const dropped = turnServer.nextEvent('relay-to-self-dropped');
      alice.sendIndication({ address: LOOPBACK, port }, Buffer.from('knock knock'));
      await dropped;
    }

    expect(otherService.received).toEqual([]);
    // The relay itself still works.
    alice.sendIndication(bobRelay, Buffer.from('still here'));
    expect((await bob.nextData()).data.toString()).toBe('still here');
  });

  it('drops data toward the port of an allocation that has been released', async () => {
    const { alice, bob, bobRelay, turnServer } = await twoRelayedStrangers();
    await bob.refresh(0);

    const dropped = turnServer.nextEvent('relay-to-self-dropped');
    alice.sendIndication(bobRelay, Buffer.from('anyone?'));

    await expect(dropped).resolves.toEqual({ type: 'relay-to-self-dropped' });
  });
});
