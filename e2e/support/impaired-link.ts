/**
 * The lab's lossy access links (network-lab.ts): the kernel here has no netem
 * (CONFIG_NET_SCH_NETEM unset), so a link that loses and delays packets is two TUN devices,
 * each fed by a `socat` over UDP on loopback, with this worker in between.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { setTimeout as delay } from 'node:timers/promises';

/** What the access link between a browser and its router does to packets, both ways. */
export interface Impairment {
  /** Share of packets lost, each on its own (0-100). */
  readonly lossPercent: number;
  /** How long every packet is held back. */
  readonly delayMs: number;
}

/**
 * Carries packets between two TUN devices (each behind a socat that turns its packets into UDP
 * datagrams on loopback), dropping `lossPercent` of them and holding each back `delayMs`.
 * Runs in the worker: the kernel here has no netem.
 */
export class ImpairedLink {
  readonly #sockets: [Socket, Socket];
  /** Each side's socat, learnt from its first datagram (its interface says hello at once). */
  readonly #peers: [RemoteInfo | undefined, RemoteInfo | undefined] = [undefined, undefined];
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(
    sockets: [Socket, Socket],
    private readonly impairment: Impairment,
  ) {
    this.#sockets = sockets;
    sockets.forEach((socket, side) => {
      socket.on('message', (packet, from) => this.#carry(side, packet, from));
    });
  }

  static async create(impairment: Impairment): Promise<ImpairedLink> {
    const sockets = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = createSocket('udp4');
            socket.once('error', reject);
            socket.bind(0, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    const [first, second] = sockets;
    if (first === undefined || second === undefined) throw new Error('two sockets expected');
    return new ImpairedLink([first, second], impairment);
  }

  port(side: 0 | 1): number {
    return this.#sockets[side].address().port;
  }

  #carry(side: number, packet: Buffer, from: RemoteInfo): void {
    this.#peers[side] = from;
    if (Math.random() * 100 < this.impairment.lossPercent) return;
    const other = side === 0 ? 1 : 0;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const to = this.#peers[other];
      if (to !== undefined) this.#sockets[other].send(packet, to.port, to.address);
    }, this.impairment.delayMs);
    this.#timers.add(timer);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const socket of this.#sockets) socket.close();
  }
}

/** A TUN device made by socat in this namespace, its packets as datagrams to `port`. */
export async function tunDevice(name: string, port: number): Promise<ChildProcess> {
  const socat = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      '--',
      'socat',
      `TUN,tun-type=tun,tun-name=${name},iff-no-pi`,
      `UDP:127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  for (let tries = 0; tries < 500; tries++) {
    if (spawnSync('ip', ['link', 'show', name], { stdio: 'ignore' }).status === 0) return socat;
    if (socat.exitCode !== null) break;
    await delay(10);
  }
  socat.kill('SIGKILL');
  throw new Error(`socat did not make the TUN device ${name}`);
}

/** Device names made in the worker's namespace before they move: unique per worker. */
let deviceCount = 0;
export function deviceName(kind: string): string {
  deviceCount += 1;
  return `${kind}${process.pid % 100_000}x${deviceCount}`.slice(0, 15);
}
