import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { io as connect } from 'socket.io-client';
import type { Signal } from '@mayfly/protocol';
import {
  type Client,
  connectClient,
  connectPair,
  nextEvent,
  recordEvents,
  settle,
  startSearch,
  startServer,
  type TestServer,
} from './helpers.js';

const OFFER: Signal = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n' };
const ANSWER: Signal = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 0.0.0.0\r\ns=-\r\n' };
const HOST_CANDIDATE: Signal = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
};
const RELAY_CANDIDATE: Signal = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
};

let server: TestServer | undefined;
const openClients: Client[] = [];

async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  server = await startServer(env);
  return server;
}

async function client(target: TestServer): Promise<Client> {
  const socket = await connectClient(target);
  openClients.push(socket);
  return socket;
}

async function pair(target: TestServer, ...requests: Parameters<typeof connectPair>[1][]) {
  const [a, b] = await connectPair(target, requests[0], requests[1]);
  openClients.push(a, b);
  return [a, b] as const;
}

afterEach(async () => {
  for (const socket of openClients.splice(0)) socket.disconnect();
  await server?.close();
  server = undefined;
});

describe('signaling: pairing and relay', () => {
  it("welcomes a client with the protocol version, ICE servers and the operator's defaults", async () => {
    const target = await serve();
    const socket = connect(target.url, { transports: ['websocket'], forceNew: true });
    openClients.push(socket);
    const welcome = await nextEvent(socket, 'welcome');
    expect(welcome).toEqual({
      protocolVersion: 1,
      iceServers: [],
      relayByDefault: false,
      safeStartByDefault: true,
      // The test servers end a chat at once when a connection drops (RESUME_GRACE_SECONDS=0).
      resumeGraceMs: 0,
    });
  });

  it('tells clients when the operator turned safe start off by default', async () => {
    const target = await serve({ SAFE_START_DEFAULT: 'false' });
    const socket = connect(target.url, { transports: ['websocket'], forceNew: true });
    openClients.push(socket);
    expect(await nextEvent(socket, 'welcome')).toMatchObject({ safeStartByDefault: false });
  });

  it('pairs two strangers and relays offer, answer and candidates between them only', async () => {
    const target = await serve();
    const bystander = await client(target);
    const bystanderEvents = recordEvents(bystander);
    const a = await client(target);
    const b = await client(target);
    const matchedA = nextEvent(a, 'matched');
    const matchedB = nextEvent(b, 'matched');
    expect(await startSearch(a)).toEqual({ ok: true });
    expect(await startSearch(b)).toEqual({ ok: true });
    expect(await matchedA).toEqual({
      initiator: true,
      sharedInterests: [],
      sharedLanguages: [],
      resumeToken: expect.any(String),
    });
    expect(await matchedB).toEqual({
      initiator: false,
      sharedInterests: [],
      sharedLanguages: [],
      resumeToken: expect.any(String),
    });

    const offer = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await offer).toEqual(OFFER);
    const answer = nextEvent(a, 'signal');
    expect(await b.emitWithAck('signal', ANSWER)).toEqual({ ok: true });
    expect(await answer).toEqual(ANSWER);
    const candidate = nextEvent(b, 'signal');
    await a.emitWithAck('signal', HOST_CANDIDATE);
    expect(await candidate).toEqual(HOST_CANDIDATE);

    await settle(a, b, bystander);
    expect(bystanderEvents.map((e) => e.event)).toEqual([]);
  });

  it('tells both sides the shared interests and the partner nickname', async () => {
    const target = await serve();
    const a = await client(target);
    const b = await client(target);
    const matchedA = nextEvent(a, 'matched');
    const matchedB = nextEvent(b, 'matched');
    await startSearch(a, { nickname: 'Ada', interests: ['Chess', 'jazz'] });
    await startSearch(b, { interests: ['#jazz', 'go'] });
    expect(await matchedA).toEqual({
      initiator: true,
      sharedInterests: ['jazz'],
      sharedLanguages: [],
      resumeToken: expect.any(String),
    });
    expect(await matchedB).toEqual({
      initiator: false,
      sharedInterests: ['jazz'],
      sharedLanguages: [],
      partnerNickname: 'Ada',
      resumeToken: expect.any(String),
    });
  });

  it('never relays to a third socket, whatever target the sender names', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const victim = await client(target);
    const victimEvents = recordEvents(victim);
    const bEvents = recordEvents(b);
    const forged = { ...OFFER, to: victim.id, target: victim.id };
    expect(await a.emitWithAck('signal', forged as Signal)).toEqual({
      ok: false,
      code: 'invalid_payload',
    });
    // A target given as an extra argument is not a protocol argument either.
    const raw = a as unknown as { emitWithAck(...args: unknown[]): Promise<unknown> };
    expect(await raw.emitWithAck('signal', victim.id, OFFER)).toEqual({
      ok: false,
      code: 'invalid_payload',
    });
    await settle(a, b, victim);
    expect(victimEvents).toEqual([]);
    expect(bEvents).toEqual([]);
  });

  it('answers a signal without a partner with no_partner', async () => {
    const target = await serve();
    const a = await client(target);
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: false, code: 'no_partner' });
    await startSearch(a);
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: false, code: 'no_partner' });
  });

  it('refuses start while already searching', async () => {
    const target = await serve();
    const a = await client(target);
    await startSearch(a);
    expect(await startSearch(a)).toEqual({ ok: false, code: 'invalid_state' });
  });
});

describe('signaling: leaving', () => {
  it('tells the partner at once on Next, and pairs the skipper with someone else', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const left = nextEvent(b, 'partnerLeft');
    expect(await a.emitWithAck('next')).toEqual({ ok: true });
    expect(await left).toEqual({ reason: 'next' });
    const c = await client(target);
    const matchedA = nextEvent(a, 'matched');
    await startSearch(c);
    expect(await matchedA).toMatchObject({ initiator: true });
  });

  it('does not pair a stranger again with one they just skipped', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    await a.emitWithAck('next');
    const bEvents = recordEvents(b);
    const aEvents = recordEvents(a);
    expect(await b.emitWithAck('next')).toEqual({ ok: true });
    await settle(a, b);
    expect(aEvents.filter((e) => e.event === 'matched')).toEqual([]);
    expect(bEvents.filter((e) => e.event === 'matched')).toEqual([]);
  });

  it('tells the partner on Stop', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const left = nextEvent(a, 'partnerLeft');
    expect(await b.emitWithAck('stop')).toEqual({ ok: true });
    expect(await left).toEqual({ reason: 'stop' });
    expect(await b.emitWithAck('signal', OFFER)).toEqual({ ok: false, code: 'no_partner' });
  });

  it('tells the partner when the other side disconnects', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const left = nextEvent(a, 'partnerLeft');
    b.disconnect();
    expect(await left).toEqual({ reason: 'disconnect' });
  });

  it('notices a partner whose network dropped without closing, through the ping timeout', async () => {
    const target = await serve({ PING_INTERVAL_MS: '200', PING_TIMEOUT_MS: '200' });
    const a = await client(target);
    const matched = nextEvent(a, 'matched');
    await startSearch(a);
    // A raw Engine.IO client that joins, starts, then never answers a ping:
    // the TCP connection stays open, as when a phone loses its network.
    const silent = new WebSocket(
      `ws://127.0.0.1:${target.port}/socket.io/?EIO=4&transport=websocket`,
    );
    silent.on('message', (data: Buffer) => {
      const packet = data.toString();
      if (packet.startsWith('0{')) silent.send('40');
      if (packet.startsWith('40{')) silent.send('420["start",{}]');
    });
    await matched;
    const left = await nextEvent(a, 'partnerLeft');
    expect(left).toEqual({ reason: 'disconnect' });
    silent.terminate();
  });
});

describe('signaling: bad input', () => {
  it('answers unknown events with unknown_event, and without an ack with a protocolError', async () => {
    const target = await serve();
    const a = await client(target);
    const raw = a as unknown as {
      emitWithAck(...args: unknown[]): Promise<unknown>;
      emit(...args: unknown[]): void;
    };
    expect(await raw.emitWithAck('hack', { sdp: 'x' })).toEqual({
      ok: false,
      code: 'unknown_event',
    });
    const error = nextEvent(a, 'protocolError');
    raw.emit('hack');
    expect(await error).toEqual({ code: 'unknown_event' });
    const startError = nextEvent(a, 'protocolError');
    raw.emit('start', { nickname: 42 });
    expect(await startError).toEqual({ code: 'invalid_payload', event: 'start' });
  });

  it('validates start: nickname characters and length, interests count and shape', async () => {
    const target = await serve();
    const a = await client(target);
    const raw = a as unknown as { emitWithAck(...args: unknown[]): Promise<unknown> };
    const invalid = [
      [{ nickname: 42 }, 'invalid_payload'],
      [{ nickname: '<script>' }, 'invalid_nickname'],
      [{ nickname: 'x'.repeat(25) }, 'invalid_nickname'],
      [{ interests: 'cats' }, 'invalid_payload'],
      [{ interests: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'invalid_interests'],
      [{ interests: ['drop table;'] }, 'invalid_interests'],
      [{ interests: ['x'.repeat(300)] }, 'payload_too_large'],
      [{ relayOnly: 'yes' }, 'invalid_payload'],
      [{ extra: true }, 'invalid_payload'],
      ['start', 'invalid_payload'],
    ] as const;
    for (const [payload, code] of invalid) {
      expect(await raw.emitWithAck('start', payload), JSON.stringify(payload)).toEqual({
        ok: false,
        code,
      });
    }
    // Still idle: a valid start works after all of that.
    expect(await startSearch(a, { nickname: '  Zoë  the_2nd ' })).toEqual({ ok: true });
  });

  it('keeps a healthy pair working while another socket sends garbage', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await client(target);
    const raw = attacker as unknown as { emitWithAck(...args: unknown[]): Promise<unknown> };
    const garbage: unknown[] = [
      null,
      42,
      'offer',
      [],
      { type: 'offer' },
      { type: 'offer', sdp: 7 },
      { type: 'candidate', candidate: 'x' },
      { type: 'candidate', candidate: { candidate: 'x', sdpMLineIndex: -1 } },
      { type: 'bogus', sdp: 'x' },
      { type: '__proto__' },
      { constructor: { prototype: { polluted: true } } },
    ];
    for (const payload of garbage) {
      expect(await raw.emitWithAck('signal', payload)).toMatchObject({ ok: false });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const offer = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await offer).toEqual(OFFER);
  });

  it('answers an oversized SDP with payload_too_large', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const bEvents = recordEvents(b);
    const huge: Signal = { type: 'offer', sdp: 'a'.repeat(40 * 1024) };
    expect(await a.emitWithAck('signal', huge)).toEqual({ ok: false, code: 'payload_too_large' });
    await settle(a, b);
    expect(bEvents).toEqual([]);
  });

  it('closes only the socket that sends a message over the transport limit', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await client(target);
    const closed = new Promise<string>((resolve) => attacker.once('disconnect', resolve));
    attacker.emit('signal', { type: 'offer', sdp: 'a'.repeat(200 * 1024) });
    expect(await closed).toBe('transport close');
    const offer = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await offer).toEqual(OFFER);
  });

  it('rate-limits a socket and drops what is over the limit', async () => {
    const target = await serve({ RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '1' });
    const [a, b] = await pair(target);
    // Two tokens of each went on start and the pairing; a few remain.
    const received = recordEvents(b);
    const acks = await Promise.all(
      Array.from({ length: 10 }, () => a.emitWithAck('signal', HOST_CANDIDATE)),
    );
    const limited = acks.filter((ack) => !ack.ok);
    expect(limited.length).toBeGreaterThanOrEqual(6);
    expect(limited.every((ack) => !ack.ok && ack.code === 'rate_limited')).toBe(true);
    const relayed = acks.length - limited.length;
    // b's own round trip for settle is rate-limited separately; its budget is untouched.
    await settle(b);
    expect(received.filter((e) => e.event === 'signal')).toHaveLength(relayed);
  });
});

describe('signaling: rate-limit logging', () => {
  it('writes one log line per rate-limit episode, not one per dropped event', async () => {
    const target = await serve({ RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '1' });
    const [a] = await pair(target);
    const acks = await Promise.all(
      Array.from({ length: 30 }, () => a.emitWithAck('signal', HOST_CANDIDATE)),
    );
    expect(acks.filter((ack) => !ack.ok && ack.code === 'rate_limited').length).toBeGreaterThan(20);
    await target.app.close();
    const lines = readdirSync(target.logDir)
      .filter((name) => name.endsWith('.jsonl'))
      .flatMap((name) => readFileSync(path.join(target.logDir, name), 'utf8').trim().split('\n'));
    expect(lines.filter((line) => line.includes('"rate_limited"'))).toHaveLength(1);
  });
});

describe('signaling: hide my IP address', () => {
  it('drops non-relay candidates from a client that hides its IP', async () => {
    const target = await serve();
    const [a, b] = await pair(target, { relayOnly: true }, {});
    const bEvents = recordEvents(b);
    expect(await a.emitWithAck('signal', HOST_CANDIDATE)).toEqual({ ok: true });
    const relay = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', RELAY_CANDIDATE)).toEqual({ ok: true });
    expect(await relay).toEqual(RELAY_CANDIDATE);
    await settle(b);
    expect(bEvents.filter((e) => e.event === 'signal')).toHaveLength(1);
  });

  it('strips non-relay candidate lines from the SDP of a client that hides its IP', async () => {
    const target = await serve();
    const [a, b] = await pair(target, { relayOnly: true }, {});
    const sdp =
      'v=0\r\n' +
      'a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host\r\n' +
      'a=candidate:2 1 udp 1686052607 203.0.113.5 50000 typ srflx raddr 192.0.2.10 rport 50000\r\n' +
      'a=candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0\r\n' +
      'a=end-of-candidates\r\n';
    const offer = nextEvent(b, 'signal');
    await a.emitWithAck('signal', { type: 'offer', sdp });
    expect(await offer).toEqual({
      type: 'offer',
      sdp:
        'v=0\r\n' +
        'a=candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0\r\n' +
        'a=end-of-candidates\r\n',
    });
  });
});

describe('signaling: who may connect', () => {
  const handshake = (target: TestServer, origin: string, transports = ['websocket']) =>
    new Promise<'connected' | string>((resolve) => {
      const socket = connect(target.url, {
        transports,
        forceNew: true,
        reconnection: false,
        extraHeaders: { origin },
      });
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', (error) => resolve(error.message));
    });

  it('refuses a WebSocket handshake from another origin', async () => {
    const target = await serve();
    expect(await handshake(target, 'https://evil.example')).not.toBe('connected');
    expect(await handshake(target, 'null')).not.toBe('connected');
  });

  it('refuses a polling handshake from another origin', async () => {
    const target = await serve();
    expect(await handshake(target, 'https://evil.example', ['polling'])).toMatch(/xhr poll error/u);
  });

  it('accepts the page’s own origin and allowlisted ones', async () => {
    const target = await serve({ ALLOWED_ORIGINS: 'https://chat.example' });
    expect(await handshake(target, `http://127.0.0.1:${target.port}`)).toBe('connected');
    expect(await handshake(target, 'https://chat.example')).toBe('connected');
    expect(await handshake(target, 'https://chat.example.evil.example')).not.toBe('connected');
  });

  it('caps live connections per client address', async () => {
    const target = await serve({ MAX_CONNECTIONS_PER_ADDRESS: '2' });
    const first = await client(target);
    await client(target);
    expect(await handshake(target, `http://127.0.0.1:${target.port}`)).not.toBe('connected');
    const closed = new Promise((resolve) => first.once('disconnect', resolve));
    first.disconnect();
    await closed;
    // The server notices the close asynchronously; a new connection then fits.
    await expect.poll(() => handshake(target, `http://127.0.0.1:${target.port}`)).toBe('connected');
  });
});

describe('signaling: HTTP endpoints and shutdown', () => {
  it('answers /healthz with counts and /privacy.json from the running config', async () => {
    const target = await serve({ LOG_RETENTION_DAYS: '7' });
    const health = await fetch(`${target.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      connected: 0,
      waiting: 0,
      paired: 0,
      bans: 0,
    });
    const privacy = await fetch(`${target.url}/privacy.json`);
    expect(privacy.headers.get('set-cookie')).toBeNull();
    expect(privacy.headers.get('referrer-policy')).toBe('no-referrer');
    const statement = (await privacy.json()) as {
      logging: { retentionDays: number };
      cookies: unknown[];
      thirdPartyScripts: unknown[];
      matchingState: { where: string; held: string[]; inTransit?: string };
    };
    expect(statement.logging.retentionDays).toBe(7);
    expect(statement.matchingState.where).toBe('memory');
    expect(statement.matchingState.held.join(' ')).toContain('for 10 minutes');
    expect(statement.matchingState.inTransit).toBeUndefined();
    expect(statement.cookies).toEqual([]);
    expect(statement.thirdPartyScripts).toEqual([]);
  });

  it('sets no cookie on the Socket.IO handshake', async () => {
    const target = await serve();
    const response = await fetch(`${target.url}/socket.io/?EIO=4&transport=polling`);
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('tells connected clients it is shutting down, then refuses new ones', async () => {
    const target = await serve();
    const a = await client(target);
    const notice = nextEvent(a, 'shutdown');
    const disconnected = new Promise((resolve) => a.once('disconnect', resolve));
    const closing = target.app.close();
    expect(await notice).toEqual({ retryAfterMs: 2000 });
    await disconnected;
    await closing;
    await expect(fetch(`${target.url}/healthz`)).rejects.toThrow();
  });
});
