/**
 * The shapes every part of the Socket.IO adapter shares: what a socket
 * carries, what nodes tell each other, the server's and the socket's types.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@mayfly/protocol';
import type { FloodGuard } from './flood-guard.js';
import type { Decision, SearchLanguages } from './matching/index.js';

export interface SocketData {
  /** The connection's daily pseudonym in the metadata log. */
  client: string;
  /**
   * The part of the client's address that identifies it (clientAddressKey), held in memory
   * for the connection's life so that its tags can follow the key epochs; never written.
   */
  addressKey: string;
  connectedAt: number;
  /** Short-lived pseudonyms of the connection's address, for blocks and bans; empty until registered. */
  tags: string[];
  /** The client hides its IP address: its signals are filtered (relay-only.ts). */
  relayOnly: boolean;
  /**
   * The languages of its last Start, in this node's memory for the connection's life: Next
   * looks again with them (matching keeps them only while the stranger waits).
   */
  languages: SearchLanguages;
  guard: FloodGuard;
  /** Failed events so far; only the first is logged on its own, the disconnect line counts all. */
  protocolErrors: number;
}

/** Between signaling nodes (through the Socket.IO Redis adapter): decisions for each other's sockets. */
export interface InterServerEvents {
  decisions: (decisions: readonly Decision[]) => void;
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
