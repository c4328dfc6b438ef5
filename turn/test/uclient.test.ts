/**
 * coturn's own load client, turnutils_uclient, against the embedded server,
 * with coturn's turnutils_peer as the UDP echo peer; loopback only. An
 * independent implementation of the client side: its Allocate carries
 * REQUESTED-ADDRESS-FAMILY and EVEN-PORT (and, for its RTCP allocation, a
 * RESERVATION-TOKEN), which node-turn dropped without an answer. Skipped
 * only when the coturn utilities are not installed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTurn } from '../src/index.js';
import type { EmbeddedTurn, TurnLogEvent } from '../src/index.js';
import { LOOPBACK, REALM, SECRET, freePort } from './helpers.js';

const UCLIENT = '/usr/bin/turnutils_uclient';
const PEER = '/usr/bin/turnutils_peer';
const installed = existsSync(UCLIENT) && existsSync(PEER);
const title = installed
  ? 'turnutils_uclient against the embedded server'
  : `turnutils_uclient against the embedded server (skipped: ${UCLIENT} not found; apt-get install coturn)`;

interface UclientRun {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly output: string;
}

/** Runs turnutils_uclient to completion; its totals from the last lines it prints. */
function runUclient(args: readonly string[]): Promise<UclientRun> {
  const child = spawn(UCLIENT, [...args, LOOPBACK], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.once('exit', () => {
      const totals = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\n/gu)].at(-1);
      const lost = /Total lost packets (\d+)/u.exec(output);
      resolve({
        sent: Number(totals?.[1] ?? NaN),
        received: Number(totals?.[2] ?? NaN),
        lost: Number(lost?.[1] ?? NaN),
        output: output.slice(-2000),
      });
    });
  });
}

describe.skipIf(!installed)(title, () => {
  let turn: EmbeddedTurn | undefined;
  let peer: ChildProcess | undefined;
  let peerPort = 0;
  const events: TurnLogEvent[] = [];

  beforeAll(async () => {
    turn = await startEmbeddedTurn({
      port: 0,
      listenAddress: LOOPBACK,
      relayAddress: LOOPBACK,
      secret: SECRET,
      realm: REALM,
      // turnutils_peer listens on loopback, which is this test's only network.
      allowedPeers: ['127.0.0.0/8'],
      // Every uclient session uses the same credential id, with an RTCP allocation each.
      maxAllocationsPerUser: 100,
      log: (event) => events.push(event),
    });
    peerPort = await freePort();
    peer = spawn(PEER, ['-L', LOOPBACK, '-p', String(peerPort)], { stdio: 'ignore' });
  });

  afterAll(async () => {
    if (peer?.exitCode === null) {
      const exited = new Promise((resolve) => peer?.once('exit', resolve));
      peer.kill('SIGTERM');
      await exited;
    }
    await turn?.close();
  });

  /** Options every run shares: REST credentials from the secret, the echo peer. */
  const common = (): string[] => [
    ...['-W', SECRET, '-u', 'uclient', '-p', String(turn?.port ?? 0)],
    ...['-e', LOOPBACK, '-r', String(peerPort)],
  ];

  it.each([
    ['over UDP, with channels', []],
    ['over UDP, with Send and Data indications', ['-s']],
    ['over TCP, with channels', ['-t']],
    ['over TCP, with Send and Data indications', ['-t', '-s']],
  ])(
    'relays 20 clients x 500 messages of 1,000 bytes %s, none lost',
    async (_, transport) => {
      const run = await runUclient([
        ...common(),
        ...['-n', '500', '-m', '20', '-l', '1000'],
        ...transport,
      ]);

      expect(run, run.output).toMatchObject({ sent: 10_000, received: 10_000, lost: 0 });
      expect(events.filter((event) => event.type === 'error')).toEqual([]);
    },
    120_000,
  );

  it('gets an IPv4 relay when it asks for one explicitly (REQUESTED-ADDRESS-FAMILY)', async () => {
    const run = await runUclient([...common(), '-X', '-c', '-n', '20', '-m', '2', '-l', '100']);

    expect(run, run.output).toMatchObject({ sent: 40, received: 40, lost: 0 });
  }, 60_000);

  it('is told 420 for DONT-FRAGMENT, which the server cannot honour', async () => {
    const run = await runUclient([...common(), '-g', '-c', '-n', '1', '-m', '1']);

    expect(run.output).toContain('error 420 (Unknown Attribute)');
    expect(events).toContainEqual({ type: 'request-refused', method: 'allocate', code: 420 });
  }, 60_000);
});
