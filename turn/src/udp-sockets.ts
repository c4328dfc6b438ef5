/** The UDP sockets of the embedded server: its listener and one relay socket per allocation. */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { IpFamily } from './ip-address.js';

/** Binds exclusively; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL...). */
export function bindUdp(family: IpFamily, address: string, port: number): Promise<Socket> {
  const socket = createSocket(family === 4 ? { type: 'udp4' } : { type: 'udp6', ipv6Only: true });
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

/** A relay socket on a random free port of the range, or any port when no range is set. */
export async function bindRelaySocket(request: RelaySocketRequest): Promise<Socket> {
  const { family, address, portRange, isTaken } = request;
  if (portRange === undefined) return bindUdp(family, address, 0);
  const size = portRange.max - portRange.min + 1;
  const start = randomInt(size);
  for (let offset = 0; offset < size; offset += 1) {
    const port = portRange.min + ((start + offset) % size);
    if (isTaken(port)) continue;
    try {
      return await bindUdp(family, address, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('relay port range exhausted');
}
