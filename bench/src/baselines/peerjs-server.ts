/**
 * Baseline: the PeerJS server (npm `peer`), as its README starts it, with its
 * concurrent-user limit (5,000 by default) raised above the benchmark's
 * connection count.
 */
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';

PeerServer({ host: '127.0.0.1', port: 0, concurrent_limit: 100_000 }, (httpServer) => {
  const { port } = httpServer.address() as AddressInfo;
  console.log(`peerjs-server: listening on http://127.0.0.1:${port}`);
});
