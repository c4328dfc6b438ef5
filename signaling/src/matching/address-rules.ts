/**
 * The in-memory Matchmaker's rules by address tag: blocks (two addresses kept
 * apart) and bans (an address kept from meeting anyone). Tags are
 * short-lived pseudonyms of addresses (moderation.ts), never addresses. The
 * Redis script keeps the same rules under `blocks:<tag>` and `ban:<tag>`.
 */
export class AddressRules {
  /** Address tag -> tags it blocked -> until when. */
  readonly #blocks = new Map<string, Map<string, number>>();
  /** Banned address tag -> until when. */
  readonly #bans = new Map<string, number>();
  /** Each ban in force, by its first tag -> until when (for counting bans, not tags). */
  readonly #banned = new Map<string, number>();

  /** `from` keeps `to` away until `until`; one address on both sides blocks nothing. */
  block(from: readonly string[], to: readonly string[], until: number, now: number): void {
    for (const [tag, blocked] of this.#blocks) {
      forgetExpired(blocked, now);
      if (blocked.size === 0) this.#blocks.delete(tag);
    }
    for (const tag of from) {
      const blocked = this.#blocks.get(tag) ?? new Map<string, number>();
      // Two on one address (a shared NAT): blocking the address would block it from itself.
      // Those two are kept apart by the skip memory of their connections instead.
      for (const other of to) if (other !== tag) blocked.set(other, until);
      if (blocked.size > 0) this.#blocks.set(tag, blocked);
    }
  }

  blockedEitherWay(a: readonly string[], b: readonly string[], now: number): boolean {
    const blocks = (from: readonly string[], to: readonly string[]): boolean =>
      from.some((tag) => to.some((other) => (this.#blocks.get(tag)?.get(other) ?? 0) > now));
    return blocks(a, b) || blocks(b, a);
  }

  /** When blocks between any two of these tags end (for scheduling the next pairing round). */
  *blockEnds(tags: ReadonlySet<string>): Iterable<number> {
    for (const tag of tags) {
      for (const [other, until] of this.#blocks.get(tag) ?? []) if (tags.has(other)) yield until;
    }
  }

  /** Bans the tags until `until`; a longer ban in force is never shortened. */
  ban(tags: readonly string[], until: number, now: number): void {
    for (const [tag, end] of this.#bans) if (end <= now) this.#bans.delete(tag);
    for (const tag of tags) this.#bans.set(tag, Math.max(until, this.#bans.get(tag) ?? 0));
    const [first] = tags;
    if (first !== undefined) {
      this.#banned.set(first, Math.max(until, this.#banned.get(first) ?? 0));
    }
  }

  /** When the ban on any of these tags ends, if one is in force. */
  bannedUntil(tags: readonly string[], now: number): number | undefined {
    let until: number | undefined;
    for (const tag of tags) {
      const end = this.#bans.get(tag);
      if (end !== undefined && end > now && (until === undefined || end > until)) until = end;
    }
    return until;
  }

  bansInForce(now: number): number {
    for (const [tag, until] of this.#banned) if (until <= now) this.#banned.delete(tag);
    return this.#banned.size;
  }
}

export function forgetExpired<K>(memory: Map<K, number>, now: number): void {
  for (const [key, until] of memory) if (until <= now) memory.delete(key);
}
