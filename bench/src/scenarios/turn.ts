/**
 * The TURN scenario: what relaying a packet costs the embedded TURN server
 * and coturn, measured the same way in the same run. Each server runs alone
 * in its process; its CPU time is read from /proc (all its threads).
 *
 * - embedded: Mayfly as `npm start` runs it (server/dist/main.js, its node
 *   flags), TURN embedded on loopback; signaling sits idle meanwhile.
 * - coturn: Debian's turnserver, REST credentials from the same secret,
 *   `--allow-loopback-peers`, its default threads.
 *
 * The load is coturn's own client, turnutils_uclient, on loopback: `clients`
 * sessions over UDP with channels, each sending `messages` datagrams of
 * `bytes` bytes every `intervalMs` to turnutils_peer, which echoes them. Every
 * message is relayed twice (client to peer, peer to client), so the packets
 * relayed are those uclient sent plus those it got back.
 *
 *  1. start the server and an echo peer, check that the server allocates;
 *  2. warm it up with a short uclient run (the same sessions, a tenth of the
 *     messages): the JIT compiles the embedded server's hot paths;
 *  3. watch the idle server for `idleWindowSeconds`;
 *  4. run uclient to completion; server CPU over its run / packets relayed,
 *     with and without the idle rate deducted. The run includes uclient's
 *     allocations and its wait for the last echoes: the CPU they cost counts,
 *     the seconds do not matter.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkTurnServer, mintTurnCredential } from '@mayfly/turn';
import type { Children } from '../children.js';
import type { ProcReader } from '../proc.js';
import { START_NODE_FLAGS, startServer } from '../servers.js';

export const TURN_SERVER_KINDS = ['embedded', 'coturn'] as const;
export type TurnServerKind = (typeof TURN_SERVER_KINDS)[number];

export const TURN_SERVER_LABELS: Readonly<Record<TurnServerKind, string>> = {
  embedded: 'embedded (Mayfly)',
  coturn: 'coturn',
};

const TURNSERVER = '/usr/bin/turnserver';
const UCLIENT = '/usr/bin/turnutils_uclient';
const PEER = '/usr/bin/turnutils_peer';

/**
 * A relayed call in the figures: 200 packets a second each way (1.5 Mb/s of
 * video and the audio, in packets of about 1,000 bytes), one side relayed,
 * so the server relays 400 packets a second for it.
 */
export const RELAYED_PACKETS_PER_CALL_PER_SECOND = 400;

export interface TurnPlan {
  readonly clients: number;
  readonly messages: number;
  readonly bytes: number;
  readonly intervalMs: number;
  readonly idleWindowSeconds: number;
}

export interface TurnFigures {
  /** Datagrams through the relay in the run: sent to the peer, and echoed back. */
  readonly relayedPackets: number;
  /** What uclient counted as lost; the figures mean little unless it is 0. */
  readonly lostPackets: number;
  /** Server CPU over the run, % of one core. */
  readonly cpuPercent: number;
  /** Server CPU over the run / packets relayed (idle work included). */
  readonly cpuPerPacketUs: number;
  /** The same less the idle rate over the run: what relaying itself costs. */
  readonly cpuPerPacketNetUs: number;
  /**
   * The kernel's part of the CPU per packet: the system calls that receive
   * and send each datagram, on loopback also its delivery to the receiver.
   */
  readonly systemCpuPerPacketUs: number;
  readonly idleCpuPercent: number;
  /** Calls one core relays at RELAYED_PACKETS_PER_CALL_PER_SECOND, from the net CPU per packet. */
  readonly callsPerCore: number;
  /** Server RSS at the end of the run. */
  readonly rssMiB: number;
}

export function hasCoturn(): boolean {
  return [TURNSERVER, UCLIENT, PEER].every((file) => existsSync(file));
}

interface TurnServerHandle {
  readonly kind: TurnServerKind;
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

const SECRET = 'bench-turn-secret-0123456789';
const REALM = 'bench';
/** Below Linux's ephemeral range (32768-60999), where no client socket takes a port meanwhile. */
const FIXED_PORTS = { min: 20_000, max: 32_000 } as const;

async function isFree(port: number): Promise<boolean> {
  const udpFree = await new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () =>
      socket.close(() => resolve(true)),
    );
  });
  if (!udpFree) return false;
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** A port free for UDP and TCP on loopback a moment ago. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = FIXED_PORTS.min + Math.floor(Math.random() * (FIXED_PORTS.max - FIXED_PORTS.min));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${FIXED_PORTS.min}-${FIXED_PORTS.max}`);
}

/** Waits until the server allocates with a credential of the secret (it is up, auth works). */
async function untilAllocating(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`TURN server exited (${child.exitCode})`);
    const check = await checkTurnServer({
      host: '127.0.0.1',
      port,
      ...mintTurnCredential({ secret: SECRET, ttlSeconds: 600, id: 'bench-check' }),
      timeoutMs: 500,
    });
    if (check.allocated) return;
  }
  throw new Error(`TURN server on port ${port} never allocated`);
}

async function startEmbedded(children: Children): Promise<TurnServerHandle> {
  const port = await freePort();
  const mayfly = await startServer(children, 'mayfly', undefined, {
    nodeFlags: START_NODE_FLAGS,
    env: {
      TURN_MODE: 'embedded',
      TURN_PORT: String(port),
      TURN_LISTEN_ADDRESS: '127.0.0.1',
      TURN_SECRET: SECRET,
      TURN_REALM: REALM,
      // turnutils_peer listens on loopback, this benchmark's only network.
      TURN_ALLOWED_PEERS: '127.0.0.0/8',
      // Every uclient session uses one credential id.
      TURN_MAX_ALLOCATIONS_PER_USER: '1000',
    },
  });
  return { kind: 'embedded', pid: mayfly.pid, port, stop: () => mayfly.stop() };
}

async function startCoturn(children: Children): Promise<TurnServerHandle> {
  const port = await freePort();
  const directory = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-coturn-'));
  const child = children.spawnCommand(TURNSERVER, [
    '-n',
    ...['--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1'],
    ...['--use-auth-secret', `--static-auth-secret=${SECRET}`, `--realm=${REALM}`],
    ...['--allow-loopback-peers', '--no-cli', '--no-tls', '--no-dtls', '--no-tcp-relay'],
    ...['--no-stdout-log', `--log-file=${path.join(directory, 'turn.log')}`],
    `--pidfile=${path.join(directory, 'turnserver.pid')}`,
    // Its own user database, not the system's /var/lib/turn/turndb.
    `--userdb=${path.join(directory, 'turndb')}`,
  ]);
  const stop = async (): Promise<void> => {
    await children.stop(child);
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await untilAllocating(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { kind: 'coturn', pid: child.pid ?? NaN, port, stop };
}

export function startTurnServer(
  children: Children,
  kind: TurnServerKind,
): Promise<TurnServerHandle> {
  return kind === 'coturn' ? startCoturn(children) : startEmbedded(children);
}

export interface EchoPeer {
  readonly port: number;
  stop(): Promise<void>;
}

/** turnutils_peer on loopback: sends every datagram back to where it came from. */
export async function startEchoPeer(children: Children): Promise<EchoPeer> {
  const port = await freePort();
  const child = children.spawnCommand(PEER, ['-L', '127.0.0.1', '-p', String(port)]);
  return { port, stop: () => children.stop(child) };
}

interface UclientTotals {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
}

function runUclient(children: Children, args: readonly string[]): Promise<UclientTotals> {
  const child = children.spawnCommand(UCLIENT, args);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-16 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise((resolve, reject) => {
    child.once('exit', () => {
      const totals = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\n/gu)].at(-1);
      const lost = /Total lost packets (\d+)/u.exec(output);
      if (totals === undefined || lost === null) {
        reject(new Error(`turnutils_uclient reported no totals:\n${output.slice(-2000)}`));
        return;
      }
      resolve({ sent: Number(totals[1]), received: Number(totals[2]), lost: Number(lost[1]) });
    });
  });
}

export async function measureTurn(
  server: TurnServerHandle,
  peer: EchoPeer,
  plan: TurnPlan,
  deps: { children: Children; proc: ProcReader; log: (line: string) => void },
): Promise<TurnFigures> {
  const { proc, log } = deps;
  const uclient = (messages: number): Promise<UclientTotals> =>
    runUclient(deps.children, [
      ...['-W', SECRET, '-u', 'bench', '-p', String(server.port)],
      ...['-e', '127.0.0.1', '-r', String(peer.port)],
      ...['-m', String(plan.clients), '-n', String(messages), '-l', String(plan.bytes)],
      ...['-z', String(plan.intervalMs), '-c'],
      '127.0.0.1',
    ]);
  await uclient(Math.max(1, Math.round(plan.messages / 10)));
  const idleStart = proc.sample(server.pid);
  const idleStartedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, plan.idleWindowSeconds * 1000));
  const idleCpuMs = proc.sample(server.pid).cpuMs - idleStart.cpuMs;
  const idleRate = idleCpuMs / (performance.now() - idleStartedAt);

  log(
    `turn: ${TURN_SERVER_LABELS[server.kind]}: ${plan.clients} clients x ${plan.messages} messages of ${plan.bytes} bytes`,
  );
  const before = proc.sample(server.pid);
  const startedAt = performance.now();
  const totals = await uclient(plan.messages);
  const elapsedMs = performance.now() - startedAt;
  const after = proc.sample(server.pid);
  const cpuMs = after.cpuMs - before.cpuMs;
  const relayedPackets = totals.sent + totals.received;
  const netCpuMs = Math.max(0, cpuMs - idleRate * elapsedMs);
  const cpuPerPacketNetUs = (netCpuMs * 1000) / relayedPackets;
  return {
    relayedPackets,
    lostPackets: totals.lost,
    cpuPercent: (cpuMs / elapsedMs) * 100,
    cpuPerPacketUs: (cpuMs * 1000) / relayedPackets,
    cpuPerPacketNetUs,
    systemCpuPerPacketUs: ((after.systemCpuMs - before.systemCpuMs) * 1000) / relayedPackets,
    idleCpuPercent: idleRate * 100,
    // Infinite (printed n/a, null in JSON) when the relaying cost no net CPU within /proc's 10 ms
    // clock, as a tiny run can; it still sorts as the largest in the median over rounds.
    callsPerCore: 1_000_000 / (cpuPerPacketNetUs * RELAYED_PACKETS_PER_CALL_PER_SECOND),
    rssMiB: after.rssBytes / 1024 ** 2,
  };
}
