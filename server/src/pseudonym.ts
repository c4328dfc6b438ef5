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
    const stored = readKey(file);
    if (stored !== undefined) return stored;
    // Several nodes may share LOG_DIR (the replicas of deploy/compose.yaml). The key appears
    // whole or not at all (written aside, then linked), and the first node to link it wins,
    // so that one address has one pseudonym a day whichever node it reached.
    const key = randomBytes(32);
    const draft = `${file}.${randomBytes(6).toString('hex')}.draft`;
    fs.writeFileSync(draft, key.toString('hex') + '\n', { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = readKey(file);
      if (winner !== undefined) return winner;
      // A damaged key file: replace it, as a missing one would be.
      fs.renameSync(draft, file);
      return key;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
}

/** The day key stored in `file`, or undefined when there is none or it is damaged. */
function readKey(file: string): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = Buffer.from(text.trim(), 'hex');
  return key.length === 32 ? key : undefined;
}
