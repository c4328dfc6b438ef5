import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TurnOptionError, TurnStartError, startEmbeddedTurn } from '../src/index.js';
import type { EmbeddedTurnOptions, TurnLogEvent } from '../src/index.js';
import { TurnErrorResponse } from '../src/stun-client.js';
import { LOOPBACK, REALM, SECRET, freePort, onCleanup, startTestTurn } from './helpers.js';

const EXIT_BOUND_MS = 10_000;

const base: EmbeddedTurnOptions = {
  port: 0,
  listenAddress: LOOPBACK,
  relayAddress: LOOPBACK,
  secret: SECRET,
  realm: REALM,
};

async function bindLoopback(port = 0): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) =>
    socket.bind({ port, address: LOOPBACK, exclusive: true }, resolve),
  );
  onCleanup(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket;
}

describe('process lifecycle (defect 6)', () => {
  it('lets a process that started, used and closed the server exit on its own', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/start-use-close.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const startedAt = Date.now();

    const exit = await new Promise<{ code: number | null; hung: boolean }>((resolve) => {
      const watchdog = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, hung: true });
      }, EXIT_BOUND_MS);
      child.on('exit', (code) => {
        clearTimeout(watchdog);
        resolve({ code, hung: false });
      });
    });

    expect(exit, output).toEqual({ code: 0, hung: false });
    expect(output).toBe('closed\n');
    expect(Date.now() - startedAt).toBeLessThan(EXIT_BOUND_MS);
  }, 15_000);

  it('closes idempotently and frees its port for the next server', async () => {
    const port = await freePort();
    const first = await startEmbeddedTurn({ ...base, port });

    await Promise.all([first.close(), first.close()]);
    const second = await startEmbeddedTurn({ ...base, port });
    onCleanup(() => second.close());

    expect(second.port).toBe(port);
  });

  it('refuses a second start on a port this process already serves', async () => {
    const port = await freePort();
    const first = await startEmbeddedTurn({ ...base, port });
    onCleanup(() => first.close());

    await expect(startEmbeddedTurn({ ...base, port })).rejects.toMatchObject({
      name: 'TurnStartError',
      code: 'already-running',
    });
  });

  it('waits for a closing server on the same port instead of failing (dev server restarts)', async () => {
    const port = await freePort();
    const first = await startEmbeddedTurn({ ...base, port });

    const closing = first.close();
    const second = await startEmbeddedTurn({ ...base, port });
    onCleanup(() => second.close());

    await closing;
    expect(second.port).toBe(port);
  });

  it('reports a port held by another socket as address-in-use', async () => {
    const holder = await bindLoopback();

    const start = startEmbeddedTurn({ ...base, port: holder.address().port });

    await expect(start).rejects.toBeInstanceOf(TurnStartError);
    await expect(start).rejects.toMatchObject({ code: 'address-in-use' });
  });

  it('drains allocations when closed and answers nothing afterwards', async () => {
    const { client, turn, events } = await startTestTurn();
    const alice = await client();
    await alice.allocate();

    await turn.close();

    expect(turn.allocationCount()).toBe(0);
    expect(events).toContainEqual({
      type: 'allocation-closed',
      reason: 'server-closed',
      allocations: 0,
    });
    expect(events.at(-1)).toEqual({ type: 'closed' });
  });
});

describe('hostile input', () => {
  it('survives datagrams that are no STUN it can read and keeps serving', async () => {
    const { client, server, events } = await startTestTurn();
    const sender = await bindLoopback();
    const garbage = [
      Buffer.from('40000100', 'hex'), // ChannelData of no allocation
      Buffer.from('c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00', 'hex'), // neither STUN nor ChannelData
      Buffer.from('000100002112a443000000000000000000000000', 'hex'), // wrong magic cookie
      Buffer.alloc(0),
    ];

    for (const datagram of garbage) sender.send(datagram, server.port, server.address);
    const alice = await client();

    await expect(alice.allocate()).resolves.toBeDefined();
    expect(events).toContainEqual({ type: 'malformed-message' });
    expect(events.some((event) => event.type === 'error')).toBe(false);
  });
});

describe('defects of our own', () => {
  /** A log sink that fails on one event type stands in for a bug in a request handler. */
  const failingOn = (type: TurnLogEvent['type']) => (event: TurnLogEvent) => {
    if (event.type === type) throw new TypeError(`a bug of ours at ${type}`);
  };

  it('reports a request handler that throws as its own error, not as a malformed message', async () => {
    const { client, events, nextEvent } = await startTestTurn({
      log: failingOn('allocation-refreshed'),
    });
    const alice = await client();
    await alice.allocate();

    const logged = nextEvent('error');
    // Left unanswered: the handler threw before replying.
    alice.refresh(600).catch(() => undefined);

    expect(await logged).toEqual({ type: 'error', where: 'message-handler', code: 'TypeError' });
    expect(events).not.toContainEqual({ type: 'malformed-message' });
  });

  it('keeps the quota in step when finishing an allocation throws', async () => {
    const { client, events, nextEvent } = await startTestTurn({
      maxAllocationsPerUser: 1,
      log: failingOn('allocation-created'),
    });
    const logged = nextEvent('error');

    await (await client()).allocate();

    expect(await logged).toEqual({ type: 'error', where: 'allocate', code: 'TypeError' });
    // The allocation was made and answered, so it still holds the user's only slot.
    await expect((await client()).allocate()).rejects.toMatchObject({ code: 486 });
    expect(events).not.toContainEqual({ type: 'relay-port-unavailable' });
  });
});

describe('options', () => {
  it.each<[string, Partial<EmbeddedTurnOptions>]>([
    ['secret', { secret: 'too short' }],
    ['realm', { realm: 'has space' }],
    ['port', { port: 70_000 }],
    ['listenAddress', { listenAddress: 'localhost' }],
    ['externalIp', { externalIp: '203.0.113.7/32' }],
    ['externalIp', { externalIp: '2001:db8::7' }],
    ['allowedPeers', { allowedPeers: ['10.0.0.0/40'] }],
    ['maxLifetimeSeconds', { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 60 }],
    ['relayPortRange.max', { relayPortRange: { min: 50_000, max: 49_000 } }],
    ['maxAllocationsPerUser', { maxAllocationsPerUser: 0 }],
  ])('rejects a bad %s with a TurnOptionError naming it', async (option, overrides) => {
    const start = startEmbeddedTurn({ ...base, ...overrides });

    await expect(start).rejects.toBeInstanceOf(TurnOptionError);
    await expect(start).rejects.toMatchObject({ option });
  });

  it('announces externalIp as the relayed address while binding relayAddress', async () => {
    const { client, turn } = await startTestTurn({ externalIp: '203.0.113.7' });
    const alice = await client();

    const { relayed } = await alice.allocate();

    expect(turn.relayAddress).toBe('203.0.113.7');
    expect(relayed.address).toBe('203.0.113.7');
  });

  it('relaying on every address, announces the first external address of this machine', async () => {
    const turn = await startEmbeddedTurn({
      ...base,
      relayAddress: '0.0.0.0',
      hostAddresses: () => [
        { address: '127.0.0.1', internal: true },
        { address: 'fe80::1', internal: false },
        { address: '2001:db8::1', internal: false },
        { address: '192.0.2.10', internal: false },
      ],
    });
    onCleanup(() => turn.close());

    expect(turn.relayAddress).toBe('192.0.2.10');
  });

  it('relaying on every address of a machine with nothing but loopback, announces loopback', async () => {
    const turn = await startEmbeddedTurn({
      ...base,
      relayAddress: '0.0.0.0',
      hostAddresses: () => [{ address: '127.0.0.1', internal: true }],
    });
    onCleanup(() => turn.close());

    expect(turn.relayAddress).toBe('127.0.0.1');
  });

  it('binds relay sockets inside relayPortRange and answers 508 when it is exhausted', async () => {
    const first = await freePort();
    const range = { min: first, max: first };
    const { client } = await startTestTurn({ relayPortRange: range });

    const { relayed } = await (await client()).allocate();
    const refused = (await client()).allocate();

    expect(relayed.port).toBe(first);
    await expect(refused).rejects.toBeInstanceOf(TurnErrorResponse);
    await expect(refused).rejects.toMatchObject({ code: 508 });
  });
});
