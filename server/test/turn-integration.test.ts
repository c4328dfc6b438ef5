import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkTurnServer,
  isLocalCredentialId,
  TurnClient,
  verifyTurnCredential,
} from '@mayfly/turn';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import {
  createIceServerProvider,
  isRequestFromThisMachine,
  requestHostname,
} from '../src/ice-servers.js';
import type { IceServer } from '@mayfly/protocol';
import { startMayfly, type Mayfly } from '../src/server.js';
import { ManualClock, nextEvent } from './helpers.js';
import { sampleValue } from './metrics-exposition.js';

const SECRET = 'integration-test-secret-0123456789';

function requestWithHost(
  host: string | undefined,
  from = '203.0.113.5',
  headers: Record<string, string> = {},
): IncomingMessage {
  return {
    headers: { ...headers, ...(host === undefined ? {} : { host }) },
    socket: { remoteAddress: from },
  } as unknown as IncomingMessage;
}

/** What a welcome's first ICE server says: its URLs and whether its credential is local. */
function offered(servers: readonly IceServer[]) {
  const [server] = servers;
  const id = server?.username?.split(':')[1] ?? '';
  return { urls: server?.urls, local: isLocalCredentialId(id) };
}

const EMBEDDED = { port: 3478, tcp: true, relayAddress: '192.0.2.7' };

/** The URLs of the embedded server on port 3478 as a client reaching `host` gets them. */
function embeddedUrls(host: string): string[] {
  return [
    `stun:${host}:3478`,
    `turn:${host}:3478?transport=udp`,
    `turn:${host}:3478?transport=tcp`,
  ];
}

let mayfly: Mayfly | undefined;
let logDir: string | undefined;

afterEach(async () => {
  await mayfly?.close();
  mayfly = undefined;
  if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
});

describe('ICE servers for a connection', () => {
  it('reads the host a client used from a well-formed Host header only', () => {
    expect(requestHostname(requestWithHost('chat.example:3000'))).toBe('chat.example');
    expect(requestHostname(requestWithHost('127.0.0.1'))).toBe('127.0.0.1');
    expect(requestHostname(requestWithHost('[::1]:3000'))).toBe('[::1]');
    expect(requestHostname(requestWithHost('evil.example?x=turn:'))).toBeUndefined();
    expect(requestHostname(requestWithHost('a b'))).toBeUndefined();
    expect(requestHostname(requestWithHost('[not-v6]'))).toBeUndefined();
    expect(requestHostname(requestWithHost(undefined))).toBeUndefined();
  });

  it('mints a fresh credential per connection that the TURN secret verifies', () => {
    const clock = new ManualClock();
    const config = parseConfig({ TURN_SECRET: SECRET, TURN_CREDENTIAL_TTL_SECONDS: '3600' });
    const provide = createIceServerProvider(config, () => EMBEDDED, clock);
    const [first] = provide(requestWithHost('chat.example'));
    const [second] = provide(requestWithHost('chat.example'));
    expect(first?.urls).toEqual(embeddedUrls('chat.example'));
    expect(first?.username).not.toBe(second?.username);
    const check = (now: number) =>
      verifyTurnCredential({
        secret: SECRET,
        username: first?.username ?? '',
        credential: first?.credential ?? '',
        now,
      });
    expect(check(clock.now()).ok).toBe(true);
    expect(check(clock.now() + 3601_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('hands out the external TURN URLs as configured, and nothing when TURN is off', () => {
    const clock = new ManualClock();
    const external = parseConfig({
      TURN_MODE: 'external',
      TURN_URLS: 'turn:turn.example:3478?transport=udp,turns:turn.example:443?transport=tcp',
      TURN_SECRET: SECRET,
    });
    const [server] = createIceServerProvider(
      external,
      () => undefined,
      clock,
    )(requestWithHost('x'));
    expect(server?.urls).toEqual([
      'turn:turn.example:3478?transport=udp',
      'turns:turn.example:443?transport=tcp',
    ]);
    const off = parseConfig({ TURN_MODE: 'off' });
    expect(createIceServerProvider(off, () => undefined, clock)(requestWithHost('x'))).toEqual([]);
  });
});

describe('ICE servers for a browser on this machine (default configuration)', () => {
  const clock = new ManualClock();
  const provide = (env: Record<string, string> = {}, embedded = EMBEDDED) =>
    createIceServerProvider(parseConfig({ TURN_SECRET: SECRET, ...env }), () => embedded, clock);

  it('names the relay address instead of a loopback host, with a local credential', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST', '[::1]:3000']) {
      const from = host.startsWith('[') ? '::1' : '127.0.0.1';
      expect(offered(provide()(requestWithHost(host, from))), host).toEqual({
        urls: embeddedUrls('192.0.2.7'),
        local: true,
      });
    }
  });

  it('never gives a remote client the local scope', () => {
    const remote = offered(provide()(requestWithHost('localhost:3000', '203.0.113.5')));
    expect(remote).toEqual({
      urls: embeddedUrls('localhost'),
      local: false,
    });
    // Behind a proxy on this machine that keeps the Host header, as the docs configure it.
    const proxied = requestWithHost('chat.example', '127.0.0.1', {
      'x-forwarded-for': '203.0.113.5',
    });
    expect(offered(provide({ TRUST_PROXY_HOPS: '1' })(proxied)).local).toBe(false);
    // A proxy that rewrites Host to loopback: the client it names is still remote.
    const rewritten = requestWithHost('127.0.0.1:3000', '127.0.0.1', {
      'x-forwarded-for': '203.0.113.5',
    });
    expect(offered(provide({ TRUST_PROXY_HOPS: '1' })(rewritten))).toEqual({
      urls: embeddedUrls('127.0.0.1'),
      local: false,
    });
    // An undeclared proxy still gives itself away by its forwarding header.
    expect(isRequestFromThisMachine(rewritten, 0)).toBe(false);
    expect(
      isRequestFromThisMachine(requestWithHost('127.0.0.1', '127.0.0.1', { forwarded: 'x' }), 0),
    ).toBe(false);
    // A local client that typed a name other than loopback.
    expect(offered(provide()(requestWithHost('mybox.lan:3000', '127.0.0.1'))).local).toBe(false);
  });

  it('changes nothing with TURN_EXTERNAL_IP or TURN_URLS', () => {
    const local = requestWithHost('127.0.0.1:3000', '127.0.0.1');
    expect(offered(provide({ TURN_EXTERNAL_IP: '198.51.100.4' })(local))).toEqual({
      urls: embeddedUrls('198.51.100.4'),
      local: false,
    });
    expect(offered(provide({ TURN_URLS: 'turn:turn.example:3478' })(local))).toEqual({
      urls: ['turn:turn.example:3478'],
      local: false,
    });
  });

  it('offers TURN over TCP only when the embedded server listens on TCP', () => {
    const udpOnly = { ...EMBEDDED, tcp: false };
    const remote = requestWithHost('chat.example', '203.0.113.5');
    expect(offered(provide({}, udpOnly)(remote)).urls).toEqual([
      'stun:chat.example:3478',
      'turn:chat.example:3478?transport=udp',
    ]);
  });

  it("keeps the page's host when the relay has no address but loopback", () => {
    const noNetwork = { port: 3478, tcp: true, relayAddress: '127.0.0.1' };
    const local = requestWithHost('localhost:3000', '127.0.0.1');
    expect(offered(provide({}, noNetwork)(local))).toEqual({
      urls: embeddedUrls('localhost'),
      local: true,
    });
  });
});

describe('the product with embedded TURN', () => {
  /** The product on loopback with embedded TURN on 127.0.0.1, listening. */
  async function startProduct(env: Record<string, string> = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-turn-'));
    logDir = dir;
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_DIR: dir,
      TURN_PORT: '0',
      TURN_LISTEN_ADDRESS: '127.0.0.1',
      TURN_SECRET: SECRET,
      ...env,
    });
    const product = await startMayfly(config);
    mayfly = product;
    return { product, port: await product.listen(), logDir: dir };
  }

  async function welcomeOf(port: number, headers: Record<string, string> = {}) {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      extraHeaders: headers,
    });
    const welcome = await nextEvent(socket, 'welcome');
    socket.disconnect();
    return offered(welcome.iceServers);
  }

  it('gives a local credential to a browser on this machine only, behind a proxy too', async () => {
    const { port } = await startProduct({ TRUST_PROXY_HOPS: '1' });

    expect((await welcomeOf(port)).local).toBe(true);
    expect((await welcomeOf(port, { 'x-forwarded-for': '203.0.113.9' })).local).toBe(false);
  });

  it('welcomes a client with credentials that allocate on the embedded TURN server', async () => {
    const { product, port, logDir: logs } = await startProduct();
    const turnPort = product.turn?.port ?? 0;
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    const welcome = await nextEvent(socket, 'welcome');
    socket.disconnect();
    const [ice] = welcome.iceServers;
    expect(ice?.urls).toEqual([
      `stun:127.0.0.1:${turnPort}`,
      `turn:127.0.0.1:${turnPort}?transport=udp`,
      `turn:127.0.0.1:${turnPort}?transport=tcp`,
    ]);

    for (const transport of ['udp', 'tcp'] as const) {
      const result = await checkTurnServer({
        host: '127.0.0.1',
        port: turnPort,
        username: ice?.username ?? '',
        credential: ice?.credential ?? '',
        deniedPeer: '10.0.0.1',
        timeoutMs: 2000,
        transport,
      });
      expect(result, transport).toMatchObject({ allocated: true, deniedPeerRefused: true });
    }

    const forged = await checkTurnServer({
      host: '127.0.0.1',
      port: turnPort,
      username: ice?.username ?? '',
      credential: 'forged',
      timeoutMs: 2000,
    });
    expect(forged.allocated).toBe(false);
    expect(forged.failure).toMatchObject({ code: 'error-response', status: 401 });

    // The relay's metadata lands in the same log, with no client key or address.
    await product.close();
    mayfly = undefined;
    const records = readdirSync(logs)
      .filter((name) => name.endsWith('.jsonl'))
      .flatMap((name) => readFileSync(path.join(logs, name), 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => String(record.event).startsWith('relay_'));
    const checked = [
      { event: 'relay_allocated', lifetimeSeconds: 600 },
      { event: 'relay_refused', reason: 'peer-denied' },
      { event: 'relay_closed', reason: 'released' },
    ];
    expect(records.map(({ time: _time, ...rest }) => rest)).toEqual([
      ...checked, // over UDP
      ...checked, // over TCP
      { event: 'relay_refused', reason: 'forged' },
    ]);
  });

  it('counts the bytes the embedded relay carries in /metrics, each way', async () => {
    const { product, port } = await startProduct({ METRICS_PORT: '0' });
    const metricsPort = product.metricsPort();
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    const [ice] = (await nextEvent(socket, 'welcome')).iceServers;
    socket.disconnect();
    const server = { address: '127.0.0.1', port: product.turn?.port ?? 0 };
    const credentials = { username: ice?.username ?? '', credential: ice?.credential ?? '' };
    const open = (): Promise<TurnClient> =>
      TurnClient.open({ server, localAddress: '127.0.0.1', transport: 'udp', ...credentials });
    const alice = await open();
    const bob = await open();
    const relayed = async (direction: string): Promise<number | undefined> =>
      sampleValue(
        await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
        'mayfly_relay_bytes_total',
        `direction="${direction}"`,
      );
    try {
      expect(await relayed('to_client')).toBe(0);
      const aliceRelay = (await alice.allocate()).relayed;
      const bobRelay = (await bob.allocate()).relayed;
      await alice.createPermission(bobRelay.address);
      await bob.createPermission(aliceRelay.address);
      // Relay to relay (the two strangers both hide their address): counted once, toward Bob.
      alice.sendIndication(bobRelay, Buffer.alloc(1200));
      expect((await bob.nextData()).data).toHaveLength(1200);
      expect(await relayed('to_client')).toBe(1200);
      expect(await relayed('to_peer')).toBe(0);
      bob.sendIndication(aliceRelay, Buffer.alloc(800));
      await alice.nextData();
      expect(await relayed('to_client')).toBe(2000);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      // Closed here, as above: its last relay lines are written before the folder goes.
      await product.close();
      mayfly = undefined;
    }
  });
});
