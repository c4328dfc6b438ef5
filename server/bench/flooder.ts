/**
 * One flooding process for flood.bench.ts: keeps `--connections` raw
 * WebSocket connections to the server, each joining and then sending
 * `signal` events as fast as the socket drains (answering pings, so that
 * only the flood protection can stop it), and reconnecting when cut off.
 * Stops after `--seconds`; prints its counts as one JSON line. Loopback only.
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
  },
});
const URL = `ws://127.0.0.1:${Number(values.port)}/socket.io/?EIO=4&transport=websocket`;
const DEADLINE = performance.now() + Number(values.seconds) * 1000;
const MAX_CONNECTIONS_OPENED = 20_000;
const EVENT =
  '42["signal",{"type":"candidate","candidate":{"candidate":"candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0","sdpMid":"0","sdpMLineIndex":0}}]';

const counts = { opened: 0, cutOff: 0, sent: 0 };

function flood(ws: WebSocket): void {
  const pump = (): void => {
    if (ws.readyState !== WebSocket.OPEN || performance.now() > DEADLINE) return;
    // Keep the socket buffer short, so that `sent` counts what the server had to read.
    while (ws.bufferedAmount < 64 * 1024) {
      ws.send(EVENT);
      counts.sent++;
    }
    setImmediate(pump);
  };
  pump();
}

function connectOne(): Promise<void> {
  return new Promise((resolve) => {
    if (performance.now() > DEADLINE || counts.opened >= MAX_CONNECTIONS_OPENED) {
      resolve();
      return;
    }
    counts.opened++;
    const ws = new WebSocket(URL);
    ws.on('message', (data: Buffer) => {
      const packet = data.toString();
      if (packet === '2') ws.send('3');
      else if (packet.startsWith('0{')) ws.send('40');
      else if (packet.startsWith('40{')) flood(ws);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (performance.now() <= DEADLINE) counts.cutOff++;
      // The next connection of this slot; a flooder comes straight back.
      void connectOne().then(resolve);
    });
    setTimeout(() => ws.terminate(), Math.max(0, DEADLINE - performance.now())).unref();
  });
}

await Promise.all(Array.from({ length: Number(values.connections) }, () => connectOne()));
process.stdout.write(`${JSON.stringify(counts)}\n`);
