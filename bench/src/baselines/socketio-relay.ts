/**
 * Baseline: the least a Socket.IO signaling relay can be. Pairs whoever
 * presses Start in arrival order and forwards `signal` to the partner: no
 * validation, no rate limit, no logging, no cleanup. Defaults of Socket.IO
 * 4.8 except the client bundle, which it does not serve.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

function startBareRelay(): void {
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  const partnerOf = new Map<string, string>();
  let waiting: string | undefined;
  io.on('connection', (socket) => {
    socket.on('start', () => {
      if (waiting === undefined || waiting === socket.id) {
        waiting = socket.id;
        return;
      }
      partnerOf.set(socket.id, waiting).set(waiting, socket.id);
      io.sockets.sockets.get(waiting)?.emit('matched', { initiator: true });
      socket.emit('matched', { initiator: false });
      waiting = undefined;
    });
    socket.on('signal', (signal: unknown) => {
      io.sockets.sockets.get(partnerOf.get(socket.id) ?? '')?.emit('signal', signal);
    });
  });
  httpServer.listen(0, '127.0.0.1', () => {
    const { port } = httpServer.address() as AddressInfo;
    console.log(`socketio-relay: listening on http://127.0.0.1:${port}`);
  });
}

startBareRelay();
