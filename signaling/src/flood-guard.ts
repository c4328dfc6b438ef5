import type { Clock } from '@mayfly/protocol';
import type { LimitsConfig } from './signaling-config.js';

type GuardLimits = Pick<
  LimitsConfig,
  'rateLimitBurst' | 'rateLimitPerSecond' | 'rateLimitDisconnectAfter' | 'pingIntervalMs'
>;

/**
 * What one connection may send. Events past the rate limit are dropped
 * (answered `rate_limited`); a connection that goes on sending, until it is
 * `rateLimitDisconnectAfter` packets past the same limit, is to be cut off.
 *
 * The cut-off counts every inbound Engine.IO packet, not only events:
 * acknowledgements nobody asked for, connects to other namespaces and
 * heartbeats nobody asked for cost the server as much and reach no event
 * handler. Answers to the server's own pings are free: the server pings once
 * per `pingIntervalMs`, so one pong per half interval goes uncounted.
 *
 * One of these lives as long as each connection: two token buckets in plain
 * fields (one refill clock), nothing listening to the packets the server sends.
 */
export class FloodGuard {
  private eventTokens: number;
  /** The same rate as the events' bucket, with room for `rateLimitDisconnectAfter` more. */
  private packetTokens: number;
  private refilledAt: number;
  private freePongAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: GuardLimits,
    private readonly clock: Clock,
  ) {
    this.eventTokens = limits.rateLimitBurst;
    this.packetTokens = limits.rateLimitBurst + limits.rateLimitDisconnectAfter;
    this.refilledAt = clock.now();
  }

  /** Whether an event is within the rate limit; one that is not is dropped. */
  admitEvent(): boolean {
    this.refill();
    if (this.eventTokens < 1) return false;
    this.eventTokens -= 1;
    return true;
  }

  /**
   * Counts an inbound Engine.IO packet (`message`, `pong`, ...). False when
   * the connection has gone past its limit by `rateLimitDisconnectAfter` packets.
   */
  packetArrived(type: string): boolean {
    if (type === 'pong') {
      const now = this.clock.now();
      if (now - this.freePongAt >= this.limits.pingIntervalMs / 2) {
        this.freePongAt = now;
        return true;
      }
    }
    this.refill();
    if (this.packetTokens < 1) return false;
    this.packetTokens -= 1;
    return true;
  }

  private refill(): void {
    const { rateLimitBurst, rateLimitPerSecond, rateLimitDisconnectAfter } = this.limits;
    const now = this.clock.now();
    const gained = (Math.max(0, now - this.refilledAt) / 1000) * rateLimitPerSecond;
    this.refilledAt = now;
    this.eventTokens = Math.min(rateLimitBurst, this.eventTokens + gained);
    this.packetTokens = Math.min(
      rateLimitBurst + rateLimitDisconnectAfter,
      this.packetTokens + gained,
    );
  }
}
