/**
 * Who is acceptable to whom, and when that can next change: the memory backend's pairing rules
 * as pure functions of the strangers and the time. The Redis backend states the same rules in
 * its script (redis-script-rules.ts); the one behaviour suite holds both to them.
 */
import type { AddressRules } from './address-rules.js';
import {
  languageDeadline,
  languagesFit,
  sharedLanguages,
  type LanguageTimes,
} from './language-rules.js';
import { isRemembered, sharedInterests, type Stranger } from './stranger.js';

export interface PairingContext {
  readonly now: number;
  readonly interestWaitMs: number;
  readonly languageTimes: LanguageTimes;
  readonly rules: AddressRules;
}

/**
 * The partner for `stranger` among `waiting` (longest-waiting first): the first one sharing an
 * interest (and a language, or past caring), else the first sharing a language, else the first
 * acceptable at all.
 */
export function bestPartner(
  stranger: Stranger,
  waiting: Iterable<Stranger>,
  context: PairingContext,
): Stranger | undefined {
  const { now, rules, languageTimes } = context;
  let sameLanguage: Stranger | undefined;
  let fallback: Stranger | undefined;
  for (const other of waiting) {
    if (other.id === stranger.id || skippedEitherWay(stranger, other, now)) continue;
    if (rules.blockedEitherWay(stranger.tags, other.tags, now)) continue;
    if (!languagesFit(stranger, other, now, languageTimes)) continue;
    if (sharedInterests(stranger, other).length > 0) return other;
    if (!acceptsAnyone(stranger, context) || !acceptsAnyone(other, context)) continue;
    fallback ??= other;
    if (sameLanguage === undefined && sharedLanguages(stranger, other).length > 0) {
      sameLanguage = other;
    }
  }
  return sameLanguage ?? fallback;
}

/** A stranger without interests, or who waited out `interestWaitMs`, takes anyone. */
function acceptsAnyone(stranger: Stranger, { now, interestWaitMs }: PairingContext): boolean {
  return (stranger.interests?.length ?? 0) === 0 || now - stranger.waitingSince >= interestWaitMs;
}

function skippedEitherWay(a: Stranger, b: Stranger, now: number): boolean {
  return isRemembered(a.skipped, b.id, now) || isRemembered(b.skipped, a.id, now);
}

/**
 * The next time at which something changes by itself: waiting strangers become acceptable to
 * each other (an interest or language wait, a skip memory or a block ends), a speakers-only
 * search ends, or a resume grace runs out.
 */
export function nextChange(
  waiting: readonly Stranger[],
  everyone: Iterable<Stranger>,
  context: PairingContext,
): number | undefined {
  const { now, interestWaitMs, languageTimes, rules } = context;
  let deadline: number | undefined;
  const consider = (time: number): void => {
    if (time > now && (deadline === undefined || time < deadline)) deadline = time;
  };
  const waitingIds = new Set(waiting.map((stranger) => stranger.id));
  for (const stranger of waiting) {
    if ((stranger.interests?.length ?? 0) > 0) consider(stranger.waitingSince + interestWaitMs);
    const languageChange = languageDeadline(stranger, languageTimes);
    // A speakers-only search past its end is ended by the next round, however late it runs.
    if (languageChange !== undefined) {
      consider(stranger.languagesOnly ? Math.max(languageChange, now + 1) : languageChange);
    }
    for (const [other, until] of stranger.skipped) {
      if (waitingIds.has(other)) consider(until);
    }
  }
  for (const stranger of everyone) {
    if (stranger.awayUntil !== undefined) consider(stranger.awayUntil);
    if (stranger.rejoinUntil !== undefined) consider(stranger.rejoinUntil);
  }
  const waitingTags = new Set(waiting.flatMap((stranger) => stranger.tags));
  for (const until of rules.blockEnds(waitingTags)) consider(until);
  return deadline;
}
