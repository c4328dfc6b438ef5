import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkTurnServer, verifyTurnCredential } from '@mayfly/turn';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { createIceServerProvider, requestHostname } from '../src/ice-servers.js';
import { startMayfly, type Mayfly } from '../src/server.js';
import { ManualClock, nextEvent } from './helpers.js';

const SECRET = 'integration-test-secret-0123456789';

function requestWithHost(host: string | undefined): IncomingMessage {
  return { headers: host === undefined ? {} : { host } } as IncomingMessage;
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
    const provide = createIceServerProvider(config.turn, () => 3478, clock);
    const [first] = provide(requestWithHost('chat.example'));
    const [second] = provide(requestWithHost('chat.example'));
    expect(first?.urls).toEqual(['stun:chat.example:3478', 'turn:chat.example:3478?transport=udp']);
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
      external.turn,
      () => undefined,
      clock,
    )(requestWithHost('x'));
    expect(server?.urls).toEqual([
      'turn:turn.example:3478?transport=udp',
      'turns:turn.example:443?transport=tcp',
    ]);
    const off = parseConfig({ TURN_MODE: 'off' });
    expect(createIceServerProvider(off.turn, () => undefined, clock)(requestWithHost('x'))).toEqual(
      [],
    );
  });
});

describe('the product with embedded TURN', () => {
  it('welcomes a client with credentials that allocate on the embedded TURN server', async () => {
    logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-turn-'));
    const config = parseConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_DIR: logDir,
      TURN_PORT: '0',
      TURN_LISTEN_ADDRESS: '127.0.0.1',
      TURN_SECRET: SECRET,
    });
    mayfly = await startMayfly(config);
    const port = await mayfly.listen();
    const turnPort = mayfly.turn?.port ?? 0;
    const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true });
    const welcome = await nextEvent(socket, 'welcome');
    socket.disconnect();
    const [ice] = welcome.iceServers;
    expect(ice?.urls).toEqual([
      `stun:127.0.0.1:${turnPort}`,
      `turn:127.0.0.1:${turnPort}?transport=udp`,
    ]);

    const result = await checkTurnServer({
      host: '127.0.0.1',
      port: turnPort,
      username: ice?.username ?? '',
      credential: ice?.credential ?? '',
      deniedPeer: '10.0.0.1',
      timeoutMs: 2000,
    });
    expect(result.allocated).toBe(true);
    expect(result.deniedPeerRefused).toBe(true);

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
    await mayfly.close();
    mayfly = undefined;
    const records = readdirSync(logDir)
      .filter((name) => name.endsWith('.jsonl'))
      .flatMap((name) =>
        readFileSync(path.join(logDir ?? '', name), 'utf8')
          .trim()
          .split('\n'),
      )
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => String(record.event).startsWith('relay_'));
    expect(records.map(({ time: _time, ...rest }) => rest)).toEqual([
      { event: 'relay_allocated', lifetimeSeconds: 600 },
      { event: 'relay_refused', reason: 'peer-denied' },
      { event: 'relay_closed', reason: 'released' },
      { event: 'relay_refused', reason: 'forged' },
    ]);
  });
});
