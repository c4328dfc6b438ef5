import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { checkTurnServer } from '../src/index.js';
import { LOOPBACK, onCleanup, startTestTurn } from './helpers.js';

describe('checkTurnServer', () => {
  it('reports the allocation, its round trip and a refused denied peer', async () => {
    const { server, credential, turn } = await startTestTurn();

    const check = await checkTurnServer({
      host: server.address,
      port: server.port,
      ...credential('health'),
      deniedPeer: '::ffff:169.254.169.254',
      timeoutMs: 2000,
    });

    expect(check).toMatchObject({
      allocated: true,
      relayedAddress: { address: LOOPBACK },
      deniedPeerRefused: true,
    });
    expect(check.rttMs).toBeGreaterThanOrEqual(0);
    expect(check.failure).toBeUndefined();
    // The check releases what it allocated.
    expect(turn.allocationCount()).toBe(0);
  });

  it('reports a peer the server accepts as not refused', async () => {
    const { server, credential } = await startTestTurn({ allowedPeers: ['10.0.0.0/8'] });

    const check = await checkTurnServer({
      host: server.address,
      port: server.port,
      ...credential('health'),
      deniedPeer: '10.0.0.1',
      timeoutMs: 2000,
    });

    expect(check).toMatchObject({ allocated: true, deniedPeerRefused: false });
  });

  it('reports a refused credential', async () => {
    const { server, credential } = await startTestTurn();

    const check = await checkTurnServer({
      host: server.address,
      port: server.port,
      ...credential('health'),
      credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      timeoutMs: 2000,
    });

    expect(check).toEqual({
      allocated: false,
      failure: { code: 'error-response', status: 401, reason: 'Unauthorized' },
    });
  });

  it('reports a timeout when nothing answers', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, LOOPBACK, resolve));
    onCleanup(() => new Promise<void>((resolve) => silent.close(() => resolve())));

    const check = await checkTurnServer({
      host: LOOPBACK,
      port: silent.address().port,
      username: '1:x',
      credential: 'x',
      timeoutMs: 300,
    });

    expect(check).toEqual({ allocated: false, failure: { code: 'timeout' } });
  });
});
