/**
 * The only thing the service writes to disk: connection metadata, one JSON
 * object per line, one file per UTC day. The record types below (with the
 * signaling service's, in signaling/src/metadata.ts) are the complete list
 * of what can be written; none of them has room for a nickname, an
 * interest, a message, an SDP, an ICE candidate or an address.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '@mayfly/protocol';
import type { MetadataSink, SignalingRecord } from '@mayfly/signaling';
import type { AllocationCloseReason, AuthRejection } from '@mayfly/turn';
import { lastExpiredDay, millisUntilNextDay, utcDay } from './days.js';

/** Why the embedded TURN relay refused a request: its auth rejections, the deny list, the quota. */
export type RelayRefusal = AuthRejection | 'peer-denied' | 'quota-exceeded';

export type MetadataRecord =
  | SignalingRecord
  // The embedded TURN relay knows no client key; its records carry none.
  | { event: 'relay_allocated'; lifetimeSeconds: number }
  | { event: 'relay_closed'; reason: AllocationCloseReason }
  | { event: 'relay_refused'; reason: RelayRefusal };

const LOG_FILE = /^connections-(\d{4}-\d{2}-\d{2})\.jsonl$/u;
// A day key, or the draft of one a node wrote aside before linking it (pseudonym.ts); a draft
// left by a crash holds a key too, and goes with its day.
const KEY_FILE = /^(\d{4}-\d{2}-\d{2})\.key(?:\.[0-9a-f]+\.draft)?$/u;

export function logFileName(day: string): string {
  return `connections-${day}.jsonl`;
}

export interface MetadataLogOptions {
  readonly dir: string;
  readonly retentionDays: number;
}

export class MetadataLog implements MetadataSink {
  private stream: fs.WriteStream | undefined;
  private streamDay = '';
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: MetadataLogOptions,
    private readonly clock: Clock,
  ) {
    fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  }

  get keyDir(): string {
    return path.join(this.options.dir, 'keys');
  }

  write(record: MetadataRecord): void {
    if (this.closed) {
      // A defect of ours (shutdown order): say so rather than reopen a file nobody closes.
      console.error(`metadata log: a ${record.event} record came after the log closed`);
      return;
    }
    const now = this.clock.now();
    const day = utcDay(now);
    if (day !== this.streamDay || this.stream === undefined) {
      this.stream?.end();
      this.stream = fs.createWriteStream(path.join(this.options.dir, logFileName(day)), {
        flags: 'a',
        mode: 0o600,
      });
      // A failing disk must not take the signaling service down with it.
      this.stream.on('error', (error) => {
        console.error(`metadata log: ${error.message}`);
      });
      this.streamDay = day;
    }
    this.stream.write(JSON.stringify({ time: new Date(now).toISOString(), ...record }) + '\n');
  }

  /**
   * Deletes log files and pseudonym keys past the retention window. Returns
   * the names of the files it deleted.
   */
  sweep(): string[] {
    const expiredUpTo = lastExpiredDay(this.clock.now(), this.options.retentionDays);
    const deleted: string[] = [];
    const sweepDir = (dir: string, pattern: RegExp): void => {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const name of names) {
        const day = pattern.exec(name)?.[1];
        if (day !== undefined && day <= expiredUpTo) {
          if (day === this.streamDay) void this.closeStream();
          fs.rmSync(path.join(dir, name), { force: true });
          deleted.push(name);
        }
      }
    };
    sweepDir(this.options.dir, LOG_FILE);
    sweepDir(this.keyDir, KEY_FILE);
    return deleted;
  }

  /** Sweeps now and again at every UTC midnight. */
  startRetentionSweeper(): void {
    this.sweepSafely();
    const schedule = (): void => {
      this.sweepTimer = setTimeout(
        () => {
          this.sweepSafely();
          schedule();
        },
        millisUntilNextDay(this.clock.now()) + 1000,
      );
      this.sweepTimer.unref();
    };
    schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    await this.closeStream();
  }

  private sweepSafely(): void {
    try {
      this.sweep();
    } catch (error) {
      console.error(`retention sweep failed: ${(error as Error).message}`);
    }
  }

  private closeStream(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    this.streamDay = '';
    if (stream === undefined) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}
