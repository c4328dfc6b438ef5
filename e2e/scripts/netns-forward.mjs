/**
 * A TCP port on this network namespace's loopback whose connections are carried to a port on
 * another namespace's loopback: each connection runs `nsenter --net=<netns> socat STDIO TCP:…`,
 * with the connection as its standard input and output. A process cannot listen in one
 * namespace and connect in another by itself; this is how the tests reach a server, or a
 * browser's automation, inside the network lab (e2e/support/network-lab.ts).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Listens on 127.0.0.1 and carries each connection to `port` inside `netns`; on `localPort` when
 * given, else on a free port.
 */
export function forwardInto(netns, port, localPort = 0) {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const carrier = spawn(
      'nsenter',
      [`--net=${netns}`, '--', 'socat', 'STDIO', `TCP:127.0.0.1:${port}`],
      {
        stdio: ['pipe', 'pipe', 'ignore'],
      },
    );
    socket.pipe(carrier.stdin);
    carrier.stdout.pipe(socket);
    // Either end closing closes the other; a refused connection inside closes ours.
    carrier.stdin.on('error', () => socket.destroy());
    socket.on('error', () => carrier.kill());
    socket.on('close', () => carrier.kill());
    carrier.on('exit', () => socket.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(localPort, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        // Kept-alive connections would hold close() back: they end with the listener.
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
        server,
      });
    });
  });
}
