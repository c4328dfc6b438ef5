/** Types of netns-forward.mjs, for the tests' TypeScript. */
import type { Server } from 'node:net';

export interface Forward {
  /** The port on this namespace's 127.0.0.1. */
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export function forwardInto(netns: string, port: number, localPort?: number): Promise<Forward>;
