/**
 * Handshake admission on its own: requests as Node hands them to Socket.IO's
 * allowRequest, the in-memory limits, time driven by hand.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { ManualClock } from '@mayfly/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryAddressLimits } from '../src/address-limits.js';
import { localConnectionCap } from '../src/connection-cap.js';
import type { EngineConnection } from '../src/engine-connection.js';
import { ConnectionGuard } from '../src/connection-guard.js';
import { HandshakeAdmission } from '../src/handshake-admission.js';
import type { SignalingSocket } from '../src/signaling-socket.js';
import type { SignalingRecord } from '../src/metadata.js';
import { memoryModeration } from '../src/moderation.js';
import { SharedStateOutage } from '../src/decision-delivery.js';

afterEach(() => {
  vi.useRealTimers();
});

function request(address: string, origin?: string): IncomingMessage {
  return {
    headers: { host: 'chat.example', ...(origin === undefined ? {} : { origin }) },
    socket: { remoteAddress: address },
  } as unknown as IncomingMessage;
}

function setup(limits: { perMinute?: number; cap?: number } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 11, 6));
  const records: SignalingRecord[] = [];
  const addressLimits = memoryAddressLimits(
    {
      connectionsPerMinute: limits.perMinute ?? 100,
      startsPerMinute: 100,
      cutOffCooldownMs: 10_000,
      cutOffCooldownMaxMs: 60_000,
    },
    clock,
  );
  const admission = new HandshakeAdmission({
    config: { allowedOrigins: ['https://friend.example'], trustProxyHops: 0 },
    clock,
    metadataLog: { write: (record) => records.push(record) },
    pseudonymOf: (address) => `p(${address})`,
    moderation: memoryModeration(
      { blockMs: 60_000, banReports: 3, reportWindowMs: 60_000, banMs: 60_000 },
      clock,
    ),
    addressLimits,
    connectionCap: localConnectionCap(limits.cap ?? 100),
    isShuttingDown: () => false,
  });
  const decide = (req: IncomingMessage): Promise<boolean> =>
    new Promise((resolve) => admission.allowRequest(req, (_error, success) => resolve(success)));
  return { admission, addressLimits, clock, records, decide };
}

/** An Engine.IO connection as far as admission sees it, which can be closed. */
function connectionFor(
  req: IncomingMessage,
): EngineConnection & { close(): void; once: EventEmitter['once'] } {
  const events = new EventEmitter();
  return {
    request: req,
    transport: {},
    on: () => undefined,
    once: events.once.bind(events),
    close: () => events.emit('close'),
  } as unknown as EngineConnection & { close(): void; once: EventEmitter['once'] };
}

describe('handshake admission', () => {
  it('admits the page’s own origin, listed ones and clients without one; refuses other sites', async () => {
    const { decide, records } = setup();
    expect(await decide(request('192.0.2.1', 'https://chat.example'))).toBe(true);
    expect(await decide(request('192.0.2.1', 'https://friend.example'))).toBe(true);
    expect(await decide(request('192.0.2.1'))).toBe(true);
    expect(await decide(request('192.0.2.1', 'https://evil.example'))).toBe(false);
    expect(records).toEqual([{ event: 'rejected', client: 'p(192.0.2.1)', reason: 'origin' }]);
  });

  it('holds a slot of the address while its connection lives, and frees it when it closes', async () => {
    const { admission, decide } = setup({ cap: 1 });
    const first = request('192.0.2.1');
    expect(await decide(first)).toBe(true);
    const connection = connectionFor(first);
    admission.connectionOpened(connection);
    expect(admission.tagsOf(connection)?.[0]).toMatch(/^[0-9a-f]{32}$/u);
    expect(await decide(request('192.0.2.1'))).toBe(false);
    expect(await decide(request('192.0.2.2'))).toBe(true);
    connection.close();
    expect(await decide(request('192.0.2.1'))).toBe(true);
  });

  it('gives back the slot of a handshake that never becomes a connection', async () => {
    vi.useFakeTimers();
    const { decide } = setup({ cap: 1 });
    expect(await decide(request('192.0.2.1'))).toBe(true);
    expect(await decide(request('192.0.2.1'))).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(await decide(request('192.0.2.1'))).toBe(true);
  });

  it('writes one rejected line per client and reason a minute, however often it is refused', async () => {
    const { decide, clock, records } = setup({ perMinute: 1 });
    expect(await decide(request('192.0.2.1'))).toBe(true);
    for (let i = 0; i < 50; i++) expect(await decide(request('192.0.2.1'))).toBe(false);
    expect(records).toHaveLength(1);
    clock.advance(60_000);
    await decide(request('192.0.2.1', 'https://evil.example'));
    expect(records.map((record) => record.event === 'rejected' && record.reason)).toEqual([
      'connection_rate',
      'origin',
    ]);
  });
});

describe('the cut-off of a connection', () => {
  it('cools its address down even when its session has no tags yet (registration pending)', async () => {
    const { admission, addressLimits, clock, records, decide } = setup();
    const flooding = request('192.0.2.1');
    expect(await decide(flooding)).toBe(true);
    const connection = connectionFor(flooding);
    admission.connectionOpened(connection);
    const guard = new ConnectionGuard({
      limits: {
        maxMessageBytes: 65_536,
        rateLimitBurst: 5,
        rateLimitPerSecond: 1,
        rateLimitDisconnectAfter: 10,
        connectTimeoutMs: 5_000,
        pingIntervalMs: 10_000,
        pingTimeoutMs: 5_000,
      },
      trustProxyHops: 0,
      clock,
      metadataLog: { write: (record) => records.push(record) },
      pseudonymOf: (address) => `p(${address})`,
      addressLimits,
      admittedTagsOf: (opened) => admission.tagsOf(opened),
      onSharedStateFailure: () => () => undefined,
    });
    // A session as it is right after the connection event: its tags are registered a moment
    // later (Redis round trips), and a flooder is cut off within that moment.
    const session = {
      conn: connection,
      connected: false,
      data: { client: 'p(192.0.2.1)', tags: [] },
    } as unknown as SignalingSocket;
    guard.sessionJoined(session);
    guard.cutOff(connection, 'flood');
    expect(await decide(request('192.0.2.1'))).toBe(false);
    expect(await decide(request('192.0.2.2'))).toBe(true);
    clock.advance(10_000);
    expect(await decide(request('192.0.2.1'))).toBe(true);
  });
});

describe('shared state outage', () => {
  it('logs one line per outage and tells the first caller after it that it ended', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const outage = new SharedStateOutage();
    expect(outage.answered()).toBe(false);
    outage.failed('start', new Error('down'));
    outage.failed('remove', new Error('down'));
    expect(errors).toHaveBeenCalledTimes(1);
    expect(outage.answered()).toBe(true);
    expect(outage.answered()).toBe(false);
    errors.mockRestore();
  });
});
