/**
 * What the signaling adapter needs of an Engine.IO connection (the
 * transport under a Socket.IO socket), including the one thing engine.io
 * does not offer: dropping a WebSocket's TCP connection without waiting for
 * the client to answer the close.
 */
import type { IncomingMessage } from 'node:http';

/** The Engine.IO connection under a socket, as far as the adapter uses it. */
export interface EngineConnection {
  /** Until `releaseRequest`: the HTTP request that opened the connection. */
  readonly request: IncomingMessage | undefined;
  readonly transport: object;
  on(event: 'packet', listener: (packet: { type: string }) => void): void;
  on(event: 'close', listener: () => void): void;
  close(): void;
}

/**
 * How long a WebSocket the server closed may take to answer the close
 * before its TCP connection is dropped (ws itself waits 30 s, reading all
 * the while).
 */
const CLOSE_GRACE_MS = 1000;

/** Drops the TCP connection under a WebSocket soon, unless it is closed by then. */
export function dropSoon(webSocket: { terminate(): void }): void {
  setTimeout(() => webSocket.terminate(), CLOSE_GRACE_MS).unref();
}

/**
 * The `ws` WebSocket under a connection on the WebSocket transport. engine.io
 * keeps it in its transport's `socket` field, which is not part of its typed
 * API: hence the checks.
 */
export function webSocketOf(
  connection: EngineConnection,
): { pause(): void; terminate(): void } | undefined {
  const socket = (connection.transport as { socket?: unknown }).socket;
  if (typeof socket !== 'object' || socket === null) return undefined;
  const { pause, terminate } = socket as { pause?: unknown; terminate?: unknown };
  return typeof pause === 'function' && typeof terminate === 'function'
    ? (socket as { pause(): void; terminate(): void })
    : undefined;
}

/**
 * Lets go of the HTTP request that opened a connection, once the session has
 * read what it needs of it (the address, ICE credentials). engine.io would
 * otherwise hold it, with its raw headers and stream state, for as long as
 * the connection lives; Socket.IO's handshake keeps the parsed headers.
 */
export function releaseRequest(connection: EngineConnection): void {
  (connection as { request: IncomingMessage | undefined }).request = undefined;
}
