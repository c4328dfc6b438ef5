/**
 * A load-generator child process: holds a share of the connections (a few
 * thousand, under the open-files limit) and runs the parent's commands on
 * them. Started by LoadGenerator with an IPC channel; exits when the parent
 * goes away.
 */
import {
  type BenchConnection,
  openPeerJs,
  openSocketIo,
  type OpenOptions,
  pairConnections,
  sdpOfLength,
} from './connections.js';
import {
  type BounceCommand,
  type ConnectCommand,
  epochMs,
  type JoinCommand,
  type PairCommand,
  type Protocol,
  type WorkerCommand,
  type WorkerReply,
} from './messages.js';

const HANDSHAKE_TIMEOUT_MS = 20_000;
/** After the bounce deadline, how long a round trip still in flight may take before it counts as lost. */
const BOUNCE_DRAIN_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class LoadWorker {
  private connections: BenchConnection[] = [];
  private initiators: BenchConnection[] = [];
  private protocol: Protocol = 'socketio';

  async run(command: WorkerCommand): Promise<WorkerReply> {
    switch (command.type) {
      case 'connect':
        return this.connect(command);
      case 'pair':
        return this.pair(command);
      case 'bounce':
        return this.bounce(command);
      case 'join':
        return this.join(command);
      case 'disconnect': {
        const closedEarly = this.connections.filter((connection) => !connection.open).length;
        for (const connection of this.connections) connection.close();
        this.connections = [];
        this.initiators = [];
        return { type: 'disconnected', closedEarly };
      }
    }
  }

  private async connect(command: ConnectCommand): Promise<WorkerReply> {
    this.protocol = command.protocol;
    const open = command.protocol === 'socketio' ? openSocketIo : openPeerJs;
    let next = 0;
    let failed = 0;
    let firstError: string | undefined;
    // A fixed number of runners, each opening one connection after the other.
    const runner = async (): Promise<void> => {
      while (next < command.count) {
        const index = command.firstIndex + next;
        next += 1;
        const options: OpenOptions = {
          url: command.urls[index % command.urls.length] ?? '',
          index,
          id: `${command.idPrefix}${index}`,
          timeoutMs: HANDSHAKE_TIMEOUT_MS,
        };
        try {
          this.connections.push(await open(options));
        } catch (error) {
          failed += 1;
          firstError ??= (error as Error).message;
        }
      }
    };
    const runners = Math.max(1, Math.min(command.concurrency, command.count));
    await Promise.all(Array.from({ length: runners }, runner));
    this.connections.sort((a, b) => a.index - b.index);
    return {
      type: 'connected',
      opened: command.count - failed,
      failed,
      ...(firstError === undefined ? {} : { firstError }),
    };
  }

  private async pair(command: PairCommand): Promise<WorkerReply> {
    const { initiators, unmatched } = await pairConnections(
      this.protocol,
      this.connections,
      command.timeoutMs,
    );
    this.initiators = initiators;
    return { type: 'paired', pairs: initiators.length, unmatched };
  }

  private async bounce(command: BounceCommand): Promise<WorkerReply> {
    const sdp = sdpOfLength(command.signalBytes);
    const roundTripMs: number[] = [];
    const started = performance.now();
    const deadline = started + command.seconds * 1000;
    let draining = false;
    const bounceUntilDeadline = async (initiator: BenchConnection): Promise<void> => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        await initiator.roundTrip(sdp);
        if (draining) return;
        roundTripMs.push(performance.now() - sent);
      }
    };
    const loops = Promise.all(this.initiators.map(bounceUntilDeadline));
    // A signal the server dropped would stall its loop forever: stop waiting for it.
    await Promise.race([loops, sleep(command.seconds * 1000 + BOUNCE_DRAIN_MS)]);
    draining = true;
    return {
      type: 'bounced',
      roundTrips: roundTripMs.length,
      elapsedMs: performance.now() - started,
      roundTripMs,
    };
  }

  private async join(command: JoinCommand): Promise<WorkerReply> {
    const joining = this.connections.filter(
      (c) => c.index >= command.from && c.index < command.from + command.count,
    );
    const outcomes = await Promise.all(
      joining.map(async (connection) => {
        const offset = Math.floor((connection.index - command.from) / 2) * command.gapMs;
        await sleep(Math.max(0, command.startAt + offset - epochMs()));
        // From the moment Start is really pressed: a late timer is the load generator's delay.
        const pressedAt = epochMs();
        const matched = await connection.join(command.timeoutMs);
        // The pair can bounce signals afterwards (see BounceCommand), whichever worker the partner is in.
        if (matched?.initiator === true) this.initiators.push(connection);
        else if (matched !== undefined) connection.echo();
        return matched === undefined
          ? undefined
          : { latencyMs: matched.matchedAt - pressedAt, matchedAt: matched.matchedAt };
      }),
    );
    const matched = outcomes.filter((outcome) => outcome !== undefined);
    return {
      type: 'joined',
      latenciesMs: matched.map((outcome) => outcome.latencyMs),
      lastMatchedAt: matched.length === 0 ? NaN : Math.max(...matched.map((m) => m.matchedAt)),
      unmatched: outcomes.length - matched.length,
      errors: joining.reduce((sum, connection) => sum + connection.errors, 0),
    };
  }
}

const worker = new LoadWorker();
process.on('message', (command: WorkerCommand) => {
  worker.run(command).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ type: 'failed', error: (error as Error).message }),
  );
});
// The parent went away (finished, or crashed): nothing is left to measure for.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' } satisfies WorkerReply);
