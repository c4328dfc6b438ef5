/**
 * Pseudonymous client keys. A client address is never written anywhere;
 * logs carry HMAC-SHA256(dayKey, address) instead. Each UTC day has its own
 * random key, kept in `<logDir>/keys/<day>.key` so that a restart the same
 * day keeps pseudonyms stable, and deleted together with that day's log so
 * that expired logs could not be linked to an address even if recovered.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '@mayfly/protocol';
import { clientAddressKey } from '@mayfly/signaling';
import { utcDay } from './days.js';

export class Pseudonymizer {
  private day = '';
  private key: Buffer | undefined;

  constructor(
    private readonly keyDir: string,
    private readonly clock: Clock,
  ) {}

  /** A short stable pseudonym for the client address, valid for the current UTC day. */
  pseudonymOf(address: string): string {
    return createHmac('sha256', this.currentKey())
      .update(clientAddressKey(address))
      .digest('hex')
      .slice(0, 16);
  }

  private currentKey(): Buffer {
    const day = utcDay(this.clock.now());
    if (day !== this.day || this.key === undefined) {
      this.key = this.loadOrCreate(day);
      this.day = day;
    }
    return this.key;
  }

  private loadOrCreate(day: string): Buffer {
    fs.mkdirSync(this.keyDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.keyDir, `${day}.key`);
    try {
      const stored = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
      if (stored.length === 32) return stored;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
    return key;
  }
}
