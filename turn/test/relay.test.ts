import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  StunAttribute,
  StunMethod,
  encodeChannelNumber,
  encodeXorAddress,
  findAttribute,
} from '../src/stun.js';
import { LOOPBACK, startEchoPeer, startTestTurn } from './helpers.js';

const CHANNEL = 0x4000;

describe('relaying through the embedded server (allowedPeers: 127.0.0.0/8)', () => {
  it('relays a Send indication to a loopback peer and its answer back as a Data indication', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    const { relayed } = await alice.allocate();
    await alice.createPermission(LOOPBACK);

    alice.sendIndication(echo.address, Buffer.from('hello via send'));
    const answer = await alice.nextData();

    expect(answer).toEqual({
      peer: echo.address,
      data: Buffer.from('hello via send'),
      via: 'data-indication',
    });
    expect(echo.received).toHaveLength(1);
    expect(echo.received[0]?.from.port).toBe(relayed.port);
  });

  it('counts the payload bytes it relays each way, and nothing it drops', async () => {
    const { client, turn } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();
    expect(turn.relayedBytes()).toEqual({ toPeers: 0, toClients: 0 });
    // No permission for the peer yet: dropped, not counted.
    alice.sendIndication(echo.address, Buffer.alloc(100));
    await alice.createPermission(LOOPBACK);
    alice.sendIndication(echo.address, Buffer.alloc(300));
    await alice.nextData();
    await alice.channelBind(CHANNEL, echo.address);
    alice.sendChannelData(CHANNEL, Buffer.alloc(50));
    await alice.nextData();
    expect(echo.received.map(({ data }) => data.length)).toEqual([300, 50]);
    expect(turn.relayedBytes()).toEqual({ toPeers: 350, toClients: 350 });
  });

  // Defects 1 and 2: Chrome needs MESSAGE-INTEGRITY on the ChannelBind answer,
  // and ChannelData from the client must reach the peer.
  it('binds a channel with an integrity-protected answer and relays ChannelData both ways', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();

    // TurnClient rejects a success answer without valid MESSAGE-INTEGRITY, as Chrome does.
    await expect(alice.channelBind(CHANNEL, echo.address)).resolves.toBeUndefined();
    alice.sendChannelData(CHANNEL, Buffer.from('hello via channel'));
    const answer = await alice.nextData();

    expect(answer).toEqual({
      peer: echo.address,
      data: Buffer.from('hello via channel'),
      via: 'channel-data',
    });
    expect(echo.received.map(({ data }) => data.toString())).toEqual(['hello via channel']);
  });

  it('answers ChannelBind with a MESSAGE-INTEGRITY attribute on the wire', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();
    const transactionId = randomBytes(12);

    const { message } = await alice.request(
      StunMethod.ChannelBind,
      [
        { type: StunAttribute.ChannelNumber, value: encodeChannelNumber(CHANNEL) },
        {
          type: StunAttribute.XorPeerAddress,
          value: encodeXorAddress(echo.address, transactionId),
        },
      ],
      { transactionId },
    );

    expect(findAttribute(message, StunAttribute.MessageIntegrity)).toHaveLength(20);
  });

  it('drops ChannelData on a channel that is not bound', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();
    await alice.channelBind(CHANNEL, echo.address);

    alice.sendChannelData(CHANNEL + 1, Buffer.from('nowhere'));
    alice.sendChannelData(CHANNEL, Buffer.from('somewhere'));
    await alice.nextData();

    expect(echo.received.map(({ data }) => data.toString())).toEqual(['somewhere']);
  });

  it('does not relay to a peer without a permission', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();

    alice.sendIndication(echo.address, Buffer.from('no permission'));
    await alice.createPermission(LOOPBACK);
    alice.sendIndication(echo.address, Buffer.from('with permission'));
    await alice.nextData();

    expect(echo.received.map(({ data }) => data.toString())).toEqual(['with permission']);
  });
});

describe('ChannelBind rules (RFC 8656 section 12.2)', () => {
  it('refuses to move a channel to another peer, a peer to another channel, or a channel out of range', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const alice = await client();
    await alice.allocate();
    const peer = { address: LOOPBACK, port: 40_000 };
    await alice.channelBind(CHANNEL, peer);

    const codeOf = (promise: Promise<unknown>): Promise<unknown> =>
      promise.then(
        () => 'ok',
        (error: { code?: number }) => error.code,
      );

    expect(await codeOf(alice.channelBind(CHANNEL, peer))).toBe('ok');
    expect(await codeOf(alice.channelBind(CHANNEL, { ...peer, port: 40_001 }))).toBe(400);
    expect(await codeOf(alice.channelBind(CHANNEL + 1, peer))).toBe(400);
    expect(await codeOf(alice.channelBind(0x3fff, { ...peer, port: 40_002 }))).toBe(400);
  });
});
