/** The UDP sockets of the embedded server: its listeners and one relay socket per allocation. */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket, SocketOptions } from 'node:dgram';
import type { IpFamily } from './ip-address.js';

/**
 * The "lookup" of a socket that only ever sends to IP literals, as these do:
 * the address as it is. Node's default, dns.lookup, costs two regular
 * expressions and a tick for every datagram sent.
 */
function literalAddress(family: IpFamily): SocketOptions['lookup'] {
  return (address, _options, callback) => callback(null, address, family);
}

/**
 * Binds exclusively; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL...).
 * `bufferBytes` sets the kernel's receive and send buffers (capped by
 * net.core.rmem_max and wmem_max).
 */
export function bindUdp(
  family: IpFamily,
  address: string,
  port: number,
  bufferBytes?: number,
): Promise<Socket> {
  const buffers =
    bufferBytes === undefined ? {} : { recvBufferSize: bufferBytes, sendBufferSize: bufferBytes };
  const socket = createSocket(
    family === 4
      ? { type: 'udp4', lookup: literalAddress(4), ...buffers }
      : { type: 'udp6', ipv6Only: true, lookup: literalAddress(6), ...buffers },
  );
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

export interface RelaySocketRequest {
  readonly family: IpFamily;
  readonly address: string;
  /** Ports to choose from; any free port when undefined. */
  readonly portRange: { readonly min: number; readonly max: number } | undefined;
  /** Ports this server already relays on, not worth trying. */
  readonly isTaken: (port: number) => boolean;
}

/** What EVEN-PORT asks for (RFC 8656 section 7.2): any port, an even one, or an even one and the next. */
export type PortShape = 'any' | 'even' | 'even-pair';

/** Tries with ports the system picks; enough when half the ports are of the wanted kind. */
const SYSTEM_PICK_ATTEMPTS = 32;

function isInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

function closeQuietly(socket: Socket): void {
  socket.close();
}

/** Binds `port + 1` next to a bound even port; undefined when it is taken. */
async function bindNext(request: RelaySocketRequest, port: number): Promise<Socket | undefined> {
  if (request.isTaken(port + 1)) return undefined;
  try {
    return await bindUdp(request.family, request.address, port + 1);
  } catch (error) {
    if (isInUse(error)) return undefined;
    throw error;
  }
}

async function fromSystemPicks(
  request: RelaySocketRequest,
  shape: Exclude<PortShape, 'any'>,
): Promise<Socket[]> {
  const { family, address } = request;
  for (let attempt = 0; attempt < SYSTEM_PICK_ATTEMPTS; attempt += 1) {
    const socket = await bindUdp(family, address, 0);
    const { port } = socket.address();
    if (port % 2 === 0) {
      if (shape === 'even') return [socket];
      const next = await bindNext(request, port);
      if (next !== undefined) return [socket, next];
    } else if (shape === 'even-pair' && port > 1024) {
      // The port below an odd pick completes a pair just as well.
      const below = await bindNext(request, port - 2).catch(() => undefined);
      if (below !== undefined) return [below, socket];
    }
    closeQuietly(socket);
  }
  throw new Error('no free relay port of the requested parity');
}

async function fromRange(
  request: RelaySocketRequest,
  range: { readonly min: number; readonly max: number },
  shape: PortShape,
): Promise<Socket[]> {
  const { family, address, isTaken } = request;
  const step = shape === 'any' ? 1 : 2;
  const first = shape === 'any' || range.min % 2 === 0 ? range.min : range.min + 1;
  const last = shape === 'even-pair' ? range.max - 1 : range.max;
  if (last < first) throw new Error('relay port range exhausted');
  const count = Math.floor((last - first) / step) + 1;
  const start = randomInt(count);
  for (let offset = 0; offset < count; offset += 1) {
    const port = first + ((start + offset) % count) * step;
    if (isTaken(port)) continue;
    let socket: Socket;
    try {
      socket = await bindUdp(family, address, port);
    } catch (error) {
      if (isInUse(error)) continue;
      throw error;
    }
    if (shape !== 'even-pair') return [socket];
    const next = await bindNext(request, port);
    if (next !== undefined) return [socket, next];
    closeQuietly(socket);
  }
  throw new Error('relay port range exhausted');
}

/**
 * Relay sockets of the requested shape: one socket on a random free port of
 * the range (or any port when no range is set), or on an even one, or two on
 * an even port and the next. Rejects when none is free.
 */
export async function bindRelaySockets(
  request: RelaySocketRequest,
  shape: PortShape = 'any',
): Promise<Socket[]> {
  const { portRange } = request;
  if (portRange !== undefined) return fromRange(request, portRange, shape);
  if (shape === 'any') return [await bindUdp(request.family, request.address, 0)];
  return fromSystemPicks(request, shape);
}
