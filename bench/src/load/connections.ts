/**
 * One simulated stranger's connection, in the two wire protocols measured:
 * Socket.IO (Mayfly and the bare relay speak the same events: `start`,
 * `matched`, `signal`) and PeerJS's JSON over a raw WebSocket. Each does what
 * the real client does while idle: Socket.IO answers the server's pings, a
 * PeerJS client sends a heartbeat every 5 s (peerjs' own `pingInterval`).
 */
import { io as connectSocketIo, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { epochMs, type Protocol } from './messages.js';

export interface Matched {
  readonly initiator: boolean;
  /** Epoch milliseconds at which `matched` arrived. */
  readonly matchedAt: number;
}

export interface BenchConnection {
  readonly index: number;
  /** PeerJS id; Socket.IO connections are named by the server. */
  readonly id: string;
  /** `protocolError`s received (Socket.IO) or ERROR messages (PeerJS). */
  readonly errors: number;
  /** False once the connection closed, by our side or the server's. */
  readonly open: boolean;
  /** Presses Start; undefined when not matched within `timeoutMs`. Socket.IO only. */
  join(timeoutMs: number): Promise<Matched | undefined>;
  /** PeerJS only: the id signals go to (a Socket.IO server picks the partner itself). */
  setPartner(id: string): void;
  /** From now on, sends every signal it receives straight back. */
  echo(): void;
  /** Sends `sdp` to the partner as an offer; resolves when the partner's echo is back. */
  roundTrip(sdp: string): Promise<void>;
  close(): void;
}

export interface OpenOptions {
  readonly url: string;
  readonly index: number;
  readonly id: string;
  readonly timeoutMs: number;
}

class SocketIoConnection implements BenchConnection {
  errors = 0;
  private echoing = false;
  private pending: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    readonly index: number,
    readonly id: string,
  ) {
    socket.on('signal', (signal: unknown) => {
      if (this.echoing) {
        socket.emit('signal', signal);
        return;
      }
      const pending = this.pending;
      this.pending = undefined;
      pending?.();
    });
    socket.on('protocolError', () => {
      this.errors += 1;
    });
  }

  get open(): boolean {
    return this.socket.connected;
  }

  join(timeoutMs: number): Promise<Matched | undefined> {
    return new Promise((resolve) => {
      const onMatched = (matched: { initiator?: unknown }): void => {
        clearTimeout(timer);
        resolve({ initiator: matched.initiator === true, matchedAt: epochMs() });
      };
      const timer = setTimeout(() => {
        this.socket.off('matched', onMatched);
        resolve(undefined);
      }, timeoutMs);
      this.socket.once('matched', onMatched);
      this.socket.emit('start', {});
    });
  }

  setPartner(): void {
    throw new Error('a Socket.IO server chooses the partner itself');
  }

  echo(): void {
    this.echoing = true;
  }

  roundTrip(sdp: string): Promise<void> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.socket.emit('signal', { type: 'offer', sdp });
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function openSocketIo(options: OpenOptions): Promise<BenchConnection> {
  const socket = connectSocketIo(options.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve(new SocketIoConnection(socket, options.index, options.id)),
    );
    socket.once('connect_error', (error: Error) => {
      socket.disconnect();
      reject(error);
    });
  });
}

const PEERJS_HEARTBEAT_MS = 5000;

interface PeerJsMessage {
  type?: unknown;
  src?: unknown;
  payload?: unknown;
}

class PeerJsConnection implements BenchConnection {
  errors = 0;
  private echoing = false;
  private partner: string | undefined;
  private pending: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    readonly index: number,
    readonly id: string,
  ) {
    socket.on('message', (data: Buffer) =>
      this.receive(JSON.parse(data.toString()) as PeerJsMessage),
    );
    // Spread over the interval, as real clients that arrived at different times are.
    this.heartbeat = setTimeout(() => {
      this.sendHeartbeat();
      this.heartbeat = setInterval(() => this.sendHeartbeat(), PEERJS_HEARTBEAT_MS);
    }, Math.random() * PEERJS_HEARTBEAT_MS);
  }

  private sendHeartbeat(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send('{"type":"HEARTBEAT"}');
  }

  private receive(message: PeerJsMessage): void {
    if (message.type === 'OFFER' && this.echoing && typeof message.src === 'string') {
      this.socket.send(
        JSON.stringify({ type: 'ANSWER', dst: message.src, payload: message.payload }),
      );
    } else if (message.type === 'ANSWER') {
      const pending = this.pending;
      this.pending = undefined;
      pending?.();
    } else if (message.type === 'ERROR') {
      this.errors += 1;
    }
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  join(): Promise<Matched | undefined> {
    return Promise.reject(new Error('PeerJS has no matching: pair connections with setPartner'));
  }

  setPartner(id: string): void {
    this.partner = id;
  }

  echo(): void {
    this.echoing = true;
  }

  roundTrip(sdp: string): Promise<void> {
    return new Promise((resolve) => {
      this.pending = resolve;
      // What PeerJS's MediaConnection sends for an offer.
      const payload = { sdp: { type: 'offer', sdp }, type: 'media', connectionId: 'mc_bench' };
      this.socket.send(JSON.stringify({ type: 'OFFER', dst: this.partner, payload }));
    });
  }

  close(): void {
    // clearTimeout stops the first heartbeat and the interval after it alike.
    clearTimeout(this.heartbeat);
    this.socket.terminate();
  }
}

export function openPeerJs(options: OpenOptions): Promise<BenchConnection> {
  const url = new URL('/peerjs', options.url.replace(/^http/u, 'ws'));
  url.search = new URLSearchParams({ key: 'peerjs', id: options.id, token: 'bench' }).toString();
  const socket = new WebSocket(url, { handshakeTimeout: options.timeoutMs });
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.terminate();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('closed before OPEN')));
    // The server answers a registered id with OPEN, a refused one with ERROR.
    socket.once('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as PeerJsMessage;
      if (message.type !== 'OPEN')
        return fail(new Error(`PeerJS answered ${String(message.type)}`));
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      // An error after the handshake closes the socket; the scenario sees it as a lost client.
      socket.on('error', () => socket.terminate());
      resolve(new PeerJsConnection(socket, options.index, options.id));
    });
  });
}

/** A signal of exactly `bytes` characters, shaped like SDP. */
export function sdpOfLength(bytes: number): string {
  const line = 'a=x-bench:0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij\r\n';
  return `v=0\r\n${line.repeat(Math.ceil(bytes / line.length))}`.slice(0, bytes);
}

export interface PairedConnections {
  /** One of each pair: it sends, and its partner echoes every signal back. */
  readonly initiators: BenchConnection[];
  readonly unmatched: number;
}

/**
 * Pairs the connections for bouncing signals. Socket.IO: each presses Start, the server pairs
 * them and names the initiator. PeerJS: the client names the peer, so neighbours pair up.
 */
export async function pairConnections(
  protocol: Protocol,
  connections: readonly BenchConnection[],
  timeoutMs: number,
): Promise<PairedConnections> {
  const initiators: BenchConnection[] = [];
  if (protocol === 'socketio') {
    const matches = await Promise.all(connections.map((c) => c.join(timeoutMs)));
    let unmatched = 0;
    matches.forEach((matched, i) => {
      const connection = connections[i];
      if (matched === undefined || connection === undefined) unmatched += 1;
      else if (matched.initiator) initiators.push(connection);
      else connection.echo();
    });
    return { initiators, unmatched };
  }
  for (let i = 0; i + 1 < connections.length; i += 2) {
    const [initiator, responder] = [connections[i], connections[i + 1]];
    if (initiator === undefined || responder === undefined) continue;
    initiator.setPartner(responder.id);
    responder.echo();
    initiators.push(initiator);
  }
  return { initiators, unmatched: connections.length % 2 };
}
