/**
 * Serves the raw-WebRTC floor page and relays its signaling: pairs WebSocket
 * connections in arrival order and forwards each message to the partner.
 * GET /healthz says how many wait, as Mayfly's does.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';

const PAGE = readFileSync(path.join(import.meta.dirname, 'floor.html'));

export interface FloorServer {
  readonly url: string;
  readonly healthUrl: string;
  close(): Promise<void>;
}

export async function startFloorServer(host: string): Promise<FloorServer> {
  let waiting: WebSocket | undefined;
  const httpServer = createServer((request, response) => {
    if (request.url === '/healthz') {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ waiting: waiting === undefined ? 0 : 1 }));
      return;
    }
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(PAGE);
  });
  const relay = new WebSocketServer({ server: httpServer, path: '/relay' });
  relay.on('connection', (socket) => {
    socket.on('error', () => socket.terminate());
    if (waiting === undefined || waiting.readyState !== WebSocket.OPEN) {
      waiting = socket;
      return;
    }
    const partner = waiting;
    waiting = undefined;
    socket.on('message', (data, isBinary) => partner.send(data, { binary: isBinary }));
    partner.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    partner.send(JSON.stringify({ matched: true, initiator: true }));
    socket.send(JSON.stringify({ matched: true, initiator: false }));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  // Loopback, whatever the listening address: a secure context, which getUserMedia needs.
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    healthUrl: `${url}/healthz`,
    close: () =>
      new Promise((resolve) => {
        for (const client of relay.clients) client.terminate();
        relay.close();
        httpServer.close(() => resolve());
      }),
  };
}
