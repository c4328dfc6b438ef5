import fs, { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { MetadataLog } from '../src/metadata-log.js';
import { clientAddressKey } from '@mayfly/signaling';
import { Pseudonymizer } from '../src/pseudonym.js';
import {
  connectClient,
  connectPair,
  ManualClock,
  nextEvent,
  startSearch,
  startServer,
} from './helpers.js';

const DAY = 86_400_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

const temporaryDirs: string[] = [];
function temporaryDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-retention-'));
  temporaryDirs.push(dir);
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('log audit', () => {
  it('writes no nickname, interest, SDP, ICE candidate or raw IP anywhere', async () => {
    // Everything the process prints is captured too: console output is a log as well.
    const printed: string[] = [];
    const capture = (chunk: unknown): boolean => {
      printed.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);

    const server = await startServer();
    const logDir = server.logDir;
    const secrets = {
      nickname: 'Quixotic Zebulon',
      interests: ['xylophonics', 'zymurgy-club'],
      sdp: 'v=0\r\na=fingerprint:sha-256 SECRET:SDP:MARKER\r\na=ice-ufrag:UFRAGMARKER\r\n',
      candidate: 'candidate:7 1 udp 2122260223 203.0.113.99 49152 typ host',
      message: 'SECRETMESSAGE',
    };
    const [a, b] = await connectPair(
      server,
      { nickname: secrets.nickname, interests: secrets.interests },
      { nickname: 'Other Nick', interests: [secrets.interests[0] ?? ''] },
    );
    const relayed = nextEvent(b, 'signal');
    await a.emitWithAck('signal', { type: 'offer', sdp: secrets.sdp });
    await relayed;
    await a.emitWithAck('signal', {
      type: 'candidate',
      candidate: { candidate: secrets.candidate },
    });
    // Bad input of every kind, carrying the secrets, must not be echoed into a log either.
    const raw = a as unknown as { emitWithAck(...args: unknown[]): Promise<unknown> };
    await raw.emitWithAck(secrets.message, { text: secrets.message });
    await raw.emitWithAck('start', { nickname: secrets.message });
    await raw.emitWithAck('signal', { type: 'offer', sdp: secrets.sdp, note: secrets.message });
    await a.emitWithAck('next');
    const c = await connectClient(server);
    await startSearch(c, { nickname: secrets.nickname });
    b.disconnect();
    c.disconnect();
    a.disconnect();
    await server.app.close();
    vi.restoreAllMocks();

    const files = filesUnder(logDir);
    expect(files.some((file) => file.endsWith('.jsonl'))).toBe(true);
    const written = files.map((file) => readFileSync(file, 'utf8')).join('\n') + printed.join('');
    const forbidden = [
      secrets.nickname,
      'Quixotic',
      'Other Nick',
      ...secrets.interests,
      'SECRET:SDP:MARKER',
      'UFRAGMARKER',
      '203.0.113.99',
      secrets.message,
      '127.0.0.1',
      '::1',
    ];
    for (const needle of forbidden) expect(written, needle).not.toContain(needle);

    // Every record is one of the known metadata shapes, with no free-form field.
    const allowedKeys = new Set([
      'time',
      'event',
      'client',
      'durationMs',
      'waitedMs',
      'byInterest',
      'reason',
      'code',
      'protocolErrors',
    ]);
    const records = files
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(records.map((record) => record.event))).toEqual(
      new Set(['connect', 'paired', 'protocol_error', 'chat_ended', 'disconnect']),
    );
    for (const record of records) {
      for (const key of Object.keys(record)) expect(allowedKeys).toContain(key);
      expect(record.client).toMatch(/^[0-9a-f]{16}$/u);
    }
    rmSync(logDir, { recursive: true, force: true });
  });
});

describe('pseudonymous client keys', () => {
  it('is stable within a UTC day, changes the next day, and never contains the address', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 0, 30));
    const keyDir = path.join(temporaryDir(), 'keys');
    const pseudonyms = new Pseudonymizer(keyDir, clock);
    const morning = pseudonyms.pseudonymOf('198.51.100.23');
    clock.advance(20 * 3_600_000);
    expect(pseudonyms.pseudonymOf('198.51.100.23')).toBe(morning);
    expect(pseudonyms.pseudonymOf('198.51.100.24')).not.toBe(morning);
    // A restart the same day reads the same key.
    expect(new Pseudonymizer(keyDir, clock).pseudonymOf('198.51.100.23')).toBe(morning);
    clock.advance(4 * 3_600_000);
    expect(pseudonyms.pseudonymOf('198.51.100.23')).not.toBe(morning);
    expect(readdirSync(keyDir).sort()).toEqual(['2026-11-21.key', '2026-11-22.key']);
    expect(statSync(path.join(keyDir, '2026-11-21.key')).mode & 0o777).toBe(0o600);
  });

  it('uses the day key another node linked first when nodes share LOG_DIR, leaving no draft', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 0, 30));
    const keyDir = path.join(temporaryDir(), 'keys');
    const otherNode = new Pseudonymizer(keyDir, clock);
    let theirs = '';
    const link = fs.linkSync;
    vi.spyOn(fs, 'linkSync').mockImplementationOnce((draft, file) => {
      // The other node creates the day's key between this node's look and its link.
      theirs = otherNode.pseudonymOf('198.51.100.23');
      link(draft, file);
    });
    expect(new Pseudonymizer(keyDir, clock).pseudonymOf('198.51.100.23')).toBe(theirs);
    expect(theirs).not.toBe('');
    expect(readdirSync(keyDir)).toEqual(['2026-11-21.key']);
  });

  it('replaces a damaged day key', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 0, 30));
    const keyDir = path.join(temporaryDir(), 'keys');
    mkdirSync(keyDir);
    writeFileSync(path.join(keyDir, '2026-11-21.key'), 'not a key\n');
    const pseudonym = new Pseudonymizer(keyDir, clock).pseudonymOf('198.51.100.23');
    expect(new Pseudonymizer(keyDir, clock).pseudonymOf('198.51.100.23')).toBe(pseudonym);
    expect(readFileSync(path.join(keyDir, '2026-11-21.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/u);
  });

  it('treats an IPv4-mapped address as IPv4, and an IPv6 client by its /56, a household prefix', () => {
    expect(clientAddressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1::/56');
    // Another /64 of the same /56: the same client.
    expect(clientAddressKey('2001:db8:1:ff:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1::/56');
    expect(clientAddressKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1::/56');
    // The next /56 is another client.
    expect(clientAddressKey('2001:db8:1:100::1')).toBe('2001:db8:1:100::/56');
  });
});

describe('retention', () => {
  it('deletes log files and their keys once past the retention window', async () => {
    const logDir = temporaryDir();
    const clock = new ManualClock(Date.UTC(2026, 9, 1, 23, 59));
    const config = parseConfig({ LOG_DIR: logDir, LOG_RETENTION_DAYS: '30', TURN_MODE: 'off' });
    const httpServer = createServer();
    const app = createApp(httpServer, config, { clock });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const port = (httpServer.address() as { port: number }).port;
    const target = { url: `http://127.0.0.1:${port}` };

    const connectOnce = async () => (await connectClient(target)).disconnect();
    await connectOnce(); // 2026-10-01
    clock.set(Date.UTC(2026, 9, 2, 0, 1));
    await connectOnce(); // 2026-10-02
    // Let the day's write stream flush what the connections wrote.
    expect(app.metadataLog.sweep()).toEqual([]);
    await expect
      .poll(() => readdirSync(logDir).filter((name) => name.endsWith('.jsonl')).length)
      .toBe(2);

    // 30 days after the first entry of Oct 1 its file goes; Oct 2 stays one more day.
    clock.set(Date.UTC(2026, 9, 31, 0, 0));
    expect(app.metadataLog.sweep().sort()).toEqual([
      '2026-10-01.key',
      'connections-2026-10-01.jsonl',
    ]);
    expect(readdirSync(logDir).sort()).toEqual(['connections-2026-10-02.jsonl', 'keys']);
    expect(readdirSync(path.join(logDir, 'keys'))).toEqual(['2026-10-02.key']);

    clock.set(Date.UTC(2026, 10, 1, 0, 0));
    await connectOnce(); // 2026-11-01
    await expect
      .poll(() => readdirSync(logDir).sort())
      .toEqual(['connections-2026-10-02.jsonl', 'connections-2026-11-01.jsonl', 'keys']);
    app.metadataLog.sweep();
    expect(readdirSync(logDir).sort()).toEqual(['connections-2026-11-01.jsonl', 'keys']);
    expect(readdirSync(path.join(logDir, 'keys'))).toEqual(['2026-11-01.key']);
    await app.close();
  });

  it('sweeps expired files at start-up', async () => {
    const logDir = temporaryDir();
    mkdirSync(path.join(logDir, 'keys'));
    // A draft key a node left behind when it crashed goes with its day too (pseudonym.ts).
    const old = [
      'connections-2026-01-01.jsonl',
      'keys/2026-01-01.key',
      'keys/2026-01-01.key.0a1b2c3d4e5f.draft',
    ];
    const recent = ['connections-2026-11-20.jsonl', 'keys/2026-11-20.key', 'notes.txt'];
    for (const name of [...old, ...recent]) writeFileSync(path.join(logDir, name), '');
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 12));
    const log = new MetadataLog({ dir: logDir, retentionDays: 30 }, clock);
    log.startRetentionSweeper();
    expect(
      filesUnder(logDir)
        .map((file) => path.relative(logDir, file))
        .sort(),
    ).toEqual(recent.sort());
    await log.close();
  });

  it('writes nothing once closed, and says a record came too late instead of reopening a file', async () => {
    const logDir = temporaryDir();
    const log = new MetadataLog({ dir: logDir, retentionDays: 30 }, new ManualClock(Date.now()));
    log.write({ event: 'relay_closed', reason: 'released' });
    await log.close();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    log.write({ event: 'relay_closed', reason: 'server-closed' });
    expect(errors).toHaveBeenCalledWith(
      'metadata log: a relay_closed record came after the log closed',
    );
    errors.mockRestore();
    const lines = filesUnder(logDir).flatMap((file) =>
      readFileSync(file, 'utf8').trim().split('\n'),
    );
    expect(lines.map((line) => (JSON.parse(line) as { reason: string }).reason)).toEqual([
      'released',
    ]);
  });

  it('honours a one-day window', () => {
    const logDir = temporaryDir();
    writeFileSync(path.join(logDir, 'connections-2026-11-20.jsonl'), '');
    writeFileSync(path.join(logDir, 'connections-2026-11-21.jsonl'), '');
    const clock = new ManualClock(Date.UTC(2026, 10, 21, 0, 0));
    const log = new MetadataLog({ dir: logDir, retentionDays: 1 }, clock);
    expect(log.sweep()).toEqual(['connections-2026-11-20.jsonl']);
    clock.advance(DAY);
    expect(log.sweep()).toEqual(['connections-2026-11-21.jsonl']);
  });
});
