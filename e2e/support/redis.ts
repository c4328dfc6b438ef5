/**
 * A Redis server of the test's own, for the multi-node scenarios: inside the
 * runner's network namespace the machine's Redis is out of reach, and a test
 * must not share state with anything else anyway. Keeps nothing on disk.
 * Also what the privacy audit reads Redis with: every key and value
 * (`readRedis`) and every command it ran (`RedisCommandLog`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Redis } from 'ioredis';

export const hasRedisServer =
  spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class LocalRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return new LocalRedis(child, `redis://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** One key as Redis holds it: its name, type, time to live and every part of its value. */
export interface RedisEntry {
  readonly key: Buffer;
  readonly type: string;
  /** Milliseconds left, -1 for a key that never expires. */
  readonly pttl: number;
  /** Strings, hash fields and values, list, set and sorted-set members (with scores), stream fields. */
  readonly parts: readonly Buffer[];
}

async function valueParts(redis: Redis, key: Buffer, type: string): Promise<Buffer[]> {
  switch (type) {
    case 'string': {
      const value = await redis.getBuffer(key);
      return value === null ? [] : [value];
    }
    case 'hash':
      return Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [
        Buffer.from(field),
        value,
      ]);
    case 'list':
      return redis.lrangeBuffer(key, 0, -1);
    case 'set':
      return redis.smembersBuffer(key);
    case 'zset':
      return redis.zrangeBuffer(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return (await redis.xrangeBuffer(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]);
    case 'none':
      // Deleted between SCAN and TYPE.
      return [];
    default:
      throw new Error(`Redis key ${key.toString()} has a type this reader does not know: ${type}`);
  }
}

/** Every key of every type in the Redis at `url` (database 0), with its whole value. */
export async function readRedis(url: string): Promise<RedisEntry[]> {
  // One attempt: a Redis that went away fails the read instead of being retried in the background.
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  // A lost connection also rejects the command in flight, which reports it.
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    const keys = new Map<string, Buffer>();
    let cursor = '0';
    do {
      const [next, batch] = await redis.scanBuffer(cursor, 'COUNT', 1000);
      cursor = next.toString();
      for (const key of batch) keys.set(key.toString('hex'), key);
    } while (cursor !== '0');
    return await Promise.all(
      [...keys.values()].map(async (key) => {
        const type = await redis.type(key);
        const [parts, pttl] = await Promise.all([valueParts(redis, key, type), redis.pttl(key)]);
        return { key, type, pttl, parts };
      }),
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * An argument as MONITOR prints it (sdscatrepr: quoted, `\n`, `\xNN`, `\"`, `\\`) back to its
 * bytes; ioredis strips the quotes and the `\"` escapes.
 */
function unescapeMonitorArgument(argument: string): Buffer {
  const escapes: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8 };
  const bytes: number[] = [];
  for (let i = 0; i < argument.length; i++) {
    const char = argument.charCodeAt(i);
    const next = argument[i + 1];
    if (char !== 0x5c || next === undefined) {
      bytes.push(...Buffer.from(argument[i] ?? ''));
    } else if (next === 'x' && /^[0-9a-f]{2}$/iu.test(argument.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(argument.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes);
}

/** Every command a Redis executes while this runs (MONITOR), its arguments as bytes. */
export class RedisCommandLog {
  readonly commands: Buffer[][] = [];

  private constructor(private readonly monitor: Redis) {
    monitor.on('monitor', (_time: string, args: string[]) => {
      this.commands.push(args.map(unescapeMonitorArgument));
    });
  }

  static async start(url: string): Promise<RedisCommandLog> {
    // monitor() opens a connection of its own; this client never connects.
    const client = new Redis(url, { lazyConnect: true });
    return new RedisCommandLog(await client.monitor());
  }

  stop(): void {
    this.monitor.disconnect();
  }
}
