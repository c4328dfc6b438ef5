/**
 * TURN over UDP: one socket per listening address, all on one port.
 *
 * Not one socket on the wildcard address: a UDP socket bound to 0.0.0.0
 * answers from whichever address the kernel picks for the way back, which on
 * a machine with several addresses need not be the one the client wrote to.
 * Firefox (nICEr) drops such answers, so it never got a relay candidate from
 * a server reached by an address that was not the kernel's choice (seen with
 * the server's own machine as client: requests to 10.99.0.2 answered from
 * 10.99.0.1). coturn binds each address for the same reason.
 */
import type { Socket } from 'node:dgram';
import { udpLinkKey } from './client-link.js';
import type { ClientLink } from './client-link.js';
import { canonicalIp, ipFamilyOf } from './ip-address.js';
import type { TransportAddress } from './stun.js';
import { errorCode } from './turn-log.js';
import type { TurnLog } from './turn-log.js';
import { bindUdp } from './udp-sockets.js';

/**
 * Kernel buffers of a listening socket, which every client of that address
 * shares: at 1,000 datagrams of 1 KB a second, Linux's default (208 KB, some
 * 90 such datagrams) overflows when the event loop stalls for 0.1 s, as it
 * does on a busy machine (seen: 12% of turnutils_uclient's packets lost).
 * coturn asks for 2 MB; a Node event loop stalls longer than coturn's
 * threads (a garbage collection), so twice that. Linux grants at most
 * net.core.rmem_max and wmem_max.
 */
const LISTENER_BUFFER_BYTES = 4 * 1024 * 1024;

/** Where the listeners hand what clients send. */
export interface FrameReceiver {
  /** One STUN message or ChannelData frame. */
  receive(link: ClientLink, frame: Buffer): void;
  /** ChannelData on a 5-tuple, the hot path: no link object needed. */
  receiveChannelData(fiveTuple: string, frame: Buffer): void;
  /** A link closed by the client or the server (TCP). */
  linkClosed(link: ClientLink): void;
}

interface ListenerState {
  open: boolean;
}

class UdpLink implements ClientLink {
  readonly transport = 'udp';
  readonly padsChannelData = false;

  constructor(
    private readonly socket: Socket,
    private readonly state: ListenerState,
    readonly key: string,
    readonly remote: TransportAddress,
  ) {}

  get isOpen(): boolean {
    return this.state.open;
  }

  send(frame: Buffer): void {
    // No callback: a failed send is reported by the socket's 'error' event (see serve).
    if (this.state.open) this.socket.send(frame, this.remote.port, this.remote.address);
  }

  allocationChanged(): void {
    // A UDP 5-tuple has no connection to time out.
  }
}

export class UdpListener {
  private readonly state: ListenerState = { open: true };

  private constructor(
    private readonly sockets: readonly Socket[],
    readonly port: number,
  ) {}

  /**
   * Binds every address on `port` (0: one the system picks for the first,
   * then the same for the others). Rejects with the first bind error, having
   * closed what it bound.
   */
  static async open(addresses: readonly string[], port: number): Promise<UdpListener> {
    const sockets: Socket[] = [];
    try {
      let boundPort = port;
      for (const address of addresses) {
        const socket = await bindUdp(
          ipFamilyOf(address),
          address,
          boundPort,
          LISTENER_BUFFER_BYTES,
        );
        sockets.push(socket);
        boundPort = socket.address().port;
      }
      return new UdpListener(sockets, boundPort);
    } catch (error) {
      await Promise.all(
        sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      );
      throw error;
    }
  }

  /** Starts handing datagrams to `receiver`. */
  serve(receiver: FrameReceiver, log: TurnLog): void {
    for (const socket of this.sockets) {
      const { address: local, port, family } = socket.address();
      const ipv4 = family === 'IPv4';
      socket.on('error', (error) => {
        log({ type: 'error', where: 'listener', code: errorCode(error) });
      });
      socket.on('message', (datagram, sender) => {
        const key = udpLinkKey(local, port, sender.address, sender.port);
        if ((datagram[0] ?? 0) >> 6 === 0b01) {
          receiver.receiveChannelData(key, datagram);
          return;
        }
        // A udp4 socket reports dotted quads, which are canonical already.
        const address = ipv4 ? sender.address : canonicalIp(sender.address);
        if (address === undefined) return;
        const link = new UdpLink(socket, this.state, key, { address, port: sender.port });
        receiver.receive(link, datagram);
      });
    }
  }

  async close(): Promise<void> {
    this.state.open = false;
    await Promise.all(
      this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
  }
}
