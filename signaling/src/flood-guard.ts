import type { Clock } from '@mayfly/protocol';
import { RateLimiter } from './rate-limiter.js';
import type { LimitsConfig } from './signaling-config.js';

/**
 * What one connection may send. Events past the rate limit are dropped
 * (answered `rate_limited`); a connection that goes on sending, until it is
 * `rateLimitDisconnectAfter` packets past the same limit, is to be cut off.
 *
 * The cut-off counts every inbound Engine.IO packet, not only events:
 * acknowledgements nobody asked for, connects to other namespaces and
 * heartbeats nobody asked for cost the server as much and reach no event
 * handler. Answers to the server's own pings are free.
 */
export class FloodGuard {
  private readonly events: RateLimiter;
  /** The same rate as `events`, with room for `rateLimitDisconnectAfter` more. */
  private readonly packets: RateLimiter;
  private unansweredPings = 0;

  constructor(
    limits: Pick<
      LimitsConfig,
      'rateLimitBurst' | 'rateLimitPerSecond' | 'rateLimitDisconnectAfter'
    >,
    clock: Clock,
  ) {
    const { rateLimitBurst, rateLimitPerSecond, rateLimitDisconnectAfter } = limits;
    this.events = new RateLimiter(rateLimitBurst, rateLimitPerSecond, clock);
    this.packets = new RateLimiter(
      rateLimitBurst + rateLimitDisconnectAfter,
      rateLimitPerSecond,
      clock,
    );
  }

  /** Whether an event is within the rate limit; one that is not is dropped. */
  admitEvent(): boolean {
    return this.events.tryTake();
  }

  pingSent(): void {
    this.unansweredPings++;
  }

  /**
   * Counts an inbound Engine.IO packet (`message`, `pong`, ...). False when
   * the connection has gone past its limit by `rateLimitDisconnectAfter` packets.
   */
  packetArrived(type: string): boolean {
    if (type === 'pong' && this.unansweredPings > 0) {
      this.unansweredPings--;
      return true;
    }
    return this.packets.tryTake();
  }
}
