/**
 * Types for the parts of node-turn 0.0.6 we use. The package ships no types
 * and no `exports` map, so we load its internal modules by path and describe
 * only what node-turn-fixes.ts touches. Pinned to 0.0.6: a different version
 * must be re-read before these types are trusted.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:dgram';

/** node-turn's Address: `address` is dotted IPv4 or eight-group IPv6 (no `::`). */
export interface NodeTurnAddress {
  readonly family: 1 | 2;
  readonly address: string;
  readonly port: number;
}

export interface NodeTurnTransport {
  readonly src: NodeTurnAddress;
  readonly dst: NodeTurnAddress;
  readonly socket: Socket;
  /** `UDP://client-ip:port>server-ip:port`: the key of `server.allocations`. */
  get5Tuple(): string;
}

export interface NodeTurnUser {
  readonly username: string;
  readonly password: string;
}

/** Attribute values as node-turn's parser produces them. */
export interface NodeTurnAttributeValues {
  'channel-number': number;
  data: Buffer;
  'even-port': boolean;
  lifetime: number;
  'message-integrity': string | false;
  nonce: string;
  realm: string;
  'requested-transport': number;
  'reservation-token': number;
  username: string;
  'xor-peer-address': NodeTurnAddress;
}

/** What node-turn's request dispatch reads from an allocation. */
export interface NodeTurnAllocationView {
  readonly transactionID: string;
  readonly user: { readonly username: string };
}

export interface NodeTurnMessage {
  class: number;
  method: number;
  transactionID: string;
  readonly transport: NodeTurnTransport;
  allocation: NodeTurnAllocationView | null;
  user: NodeTurnUser | null;
  read(datagram: Buffer): boolean;
  reply(): NodeTurnMessage;
  getAttribute<K extends keyof NodeTurnAttributeValues>(
    name: K,
  ): NodeTurnAttributeValues[K] | undefined;
  getAttributes<K extends keyof NodeTurnAttributeValues>(name: K): NodeTurnAttributeValues[K][];
  /** `message-integrity` is silently skipped when the message has no user. */
  addAttribute(name: string, value?: unknown): void;
  toBuffer(): Buffer;
  resolve(): void;
  reject(code: number, reason: string): void;
  discard(): void;
}

export type NodeTurnAuthCallback = (error: Error | null, reply?: NodeTurnMessage) => void;

export interface NodeTurnAuthentication {
  credentials: Record<string, string | undefined>;
  generateNonce(): string;
  checkNonce(nonce: string): boolean;
  longTerm(message: NodeTurnMessage, callback: NodeTurnAuthCallback): void;
}

type MethodHandler = (message: NodeTurnMessage, reply: NodeTurnMessage) => void;

export interface NodeTurnServer extends EventEmitter {
  realm: string;
  allocations: Record<string, NodeTurnAllocationView | undefined>;
  readonly authentification: NodeTurnAuthentication;
  readonly allocate: { allocate: MethodHandler };
  readonly refresh: { refresh: MethodHandler };
  readonly createPermission: { createPermission: MethodHandler };
  readonly send: { send: MethodHandler };
  readonly channelBind: { channelBind: MethodHandler };
}

export interface NodeTurnServerConfig {
  readonly listeningIps: readonly string[];
  readonly authMech: 'long-term';
  readonly realm: string;
  readonly credentials: Record<string, string | undefined>;
  readonly debugLevel: 'OFF' | 'FATAL' | 'ERROR';
  readonly log: (message: unknown) => void;
  readonly debug: (level: string, message: unknown) => void;
}

export interface NodeTurnConstants {
  readonly TRANSPORT: { readonly PROTOCOL: { readonly UDP: number } };
}

const requireCommonJs = createRequire(import.meta.url);

// `requireCommonJs` returns `any`; each cast below is the contract documented above.
export const NodeTurnServerClass = requireCommonJs('node-turn') as new (
  config: NodeTurnServerConfig,
) => NodeTurnServer;
export const NodeTurnMessageClass = requireCommonJs('node-turn/lib/message.js') as new (
  server: NodeTurnServer,
  transport: NodeTurnTransport,
) => NodeTurnMessage;
export const NodeTurnAddressClass = requireCommonJs('node-turn/lib/address.js') as new (
  address: string,
  port: number,
) => NodeTurnAddress;
export const NodeTurnTransportClass = requireCommonJs('node-turn/lib/transport.js') as new (
  protocol: number,
  src: NodeTurnAddress,
  dst: NodeTurnAddress,
  socket: Socket,
) => NodeTurnTransport;
export const NODE_TURN_CONSTANTS = requireCommonJs(
  'node-turn/lib/constants.js',
) as NodeTurnConstants;
