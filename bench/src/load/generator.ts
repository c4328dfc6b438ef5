/**
 * The parent's side of the load generator: a pool of worker processes (see
 * worker.ts), each holding at most a few thousand connections so that no
 * process nears the open-files limit, and typed requests to each.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Children } from '../children.js';
import type { ReplyTo, WorkerCommand, WorkerReply } from './messages.js';

const WORKER_FILE = path.join(import.meta.dirname, 'worker.ts');
const READY_TIMEOUT_MS = 30_000;

export class LoadWorkerProcess {
  private pending:
    { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(reply);
    });
    child.once('exit', (code, signal) => {
      this.pending?.reject(new Error(`load worker exited (${signal ?? code})`));
      this.pending = undefined;
    });
  }

  get pid(): number {
    return this.child.pid ?? NaN;
  }

  private next(timeoutMs: number, what: string): Promise<WorkerReply> {
    if (this.pending !== undefined) throw new Error('a load worker runs one command at a time');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`load worker ${this.pid}: no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  async ready(): Promise<void> {
    const reply = await this.next(READY_TIMEOUT_MS, 'start-up');
    if (reply.type !== 'ready')
      throw new Error(`load worker ${this.pid}: unexpected ${reply.type}`);
  }

  async send<C extends WorkerCommand>(command: C, timeoutMs: number): Promise<ReplyTo[C['type']]> {
    const reply = this.next(timeoutMs, command.type);
    this.child.send(command);
    const answer = await reply;
    if (answer.type === 'failed') {
      throw new Error(`load worker ${this.pid}: ${command.type} failed: ${answer.error}`);
    }
    if (answer.type !== replyTypeOf[command.type]) {
      throw new Error(`load worker ${this.pid}: ${answer.type} in answer to ${command.type}`);
    }
    return answer as ReplyTo[C['type']];
  }
}

const replyTypeOf: { [K in keyof ReplyTo]: ReplyTo[K]['type'] } = {
  connect: 'connected',
  pair: 'paired',
  bounce: 'bounced',
  join: 'joined',
  disconnect: 'disconnected',
};

export class LoadGenerator {
  private constructor(
    readonly workers: readonly LoadWorkerProcess[],
    private readonly children: Children,
    private readonly processes: readonly ChildProcess[],
  ) {}

  static async start(children: Children, count: number): Promise<LoadGenerator> {
    const processes = Array.from({ length: count }, () => children.forkScript(WORKER_FILE));
    const workers = processes.map((child) => new LoadWorkerProcess(child));
    await Promise.all(workers.map((worker) => worker.ready()));
    return new LoadGenerator(workers, children, processes);
  }

  worker(index: number): LoadWorkerProcess {
    const worker = this.workers[index];
    if (worker === undefined) throw new Error(`no load worker ${index}`);
    return worker;
  }

  /** Closes every worker's connections; resolves with how many had closed before (see DisconnectedReply). */
  async disconnectAll(): Promise<number> {
    const replies = await Promise.all(
      this.workers.map((worker) => worker.send({ type: 'disconnect' }, 30_000)),
    );
    return replies.reduce((sum, reply) => sum + reply.closedEarly, 0);
  }

  /** After a failure: close what is open, and say so if even that fails (the first error matters more). */
  async disconnectAfterFailure(log: (line: string) => void): Promise<void> {
    await this.disconnectAll().catch((error: unknown) => {
      log(`closing the connections failed too: ${(error as Error).message}`);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((child) => this.children.stop(child)));
  }
}
