/**
 * The matching rules, as behaviour: one suite that every matching backend
 * passes (the in-memory Matchmaker and the Redis backend), so that the
 * rules are the same whichever runs them.
 */
import { ManualClock } from '@mayfly/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision, MatchingBackend, MatchmakerOptions } from '../src/matching/index.js';

export const INTEREST_WAIT = 5000;
export const SKIP_MEMORY = 600_000;
export const RESUME_GRACE = 20_000;
export const LANGUAGE_WAIT = 10_000;
export const LANGUAGE_ONLY_WAIT = 60_000;
const NO_PROFILE = { interests: [], nickname: undefined };

export type BackendFactory = (
  options: MatchmakerOptions,
  clock: ManualClock,
) => Promise<{ backend: MatchingBackend; cleanup(): Promise<void> }>;

export function pairs(decisions: readonly Decision[]): string[][] {
  return decisions.flatMap((d) => (d.kind === 'paired' ? [[d.initiator, d.responder]] : []));
}

export function describeMatchingBackend(name: string, create: BackendFactory): void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setup() {
    const clock = new ManualClock();
    const { backend: matchmaker, cleanup } = await create(
      {
        interestWaitMs: INTEREST_WAIT,
        skipMemoryMs: SKIP_MEMORY,
        resumeGraceMs: RESUME_GRACE,
        languageWaitMs: LANGUAGE_WAIT,
        languageOnlyWaitMs: LANGUAGE_ONLY_WAIT,
      },
      clock,
    );
    cleanups.push(cleanup);
    /** Registers and starts `id`; its address tag is `tag` (default: one of its own). */
    const start = async (
      id: string,
      interests: string[] = [],
      nickname?: string,
      tag = `tag-${id}`,
    ): Promise<readonly Decision[]> => {
      await matchmaker.register(id, [tag]);
      const result = await matchmaker.start(id, { interests, nickname });
      if (!result.ok) throw new Error(`start ${id}: ${result.code}`);
      return result.decisions;
    };
    return { clock, matchmaker, start };
  }

  describe(`matching rules: ${name}`, () => {
    it('keeps a lone stranger waiting', async () => {
      const { matchmaker, start } = await setup();
      expect(await start('a')).toEqual([]);
      expect(await matchmaker.stateOf('a')).toBe('waiting');
    });

    it('pairs a new stranger with the longest-waiting one, who initiates', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a', ['chess']);
      clock.advance(1000);
      await start('b', ['go']);
      clock.advance(INTEREST_WAIT);
      // a and b now accept anyone but have been paired with each other by the sweep.
      expect(pairs(await matchmaker.pairWaiting())).toEqual([['a', 'b']]);
      await start('c');
      clock.advance(10);
      const decisions = await start('d');
      expect(pairs(decisions)).toEqual([['c', 'd']]);
      const paired = decisions[0];
      expect(paired?.kind === 'paired' && paired.waitedMs).toEqual({ c: 10, d: 0 });
    });

    it('never pairs a stranger with themselves', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      expect(await matchmaker.pairWaiting()).toEqual([]);
      expect(await matchmaker.next('a')).toEqual({ ok: true, decisions: [] });
      expect(await matchmaker.partnerOf('a')).toBeUndefined();
    });

    it('pairs strangers sharing an interest before earlier strangers without one', async () => {
      const { start } = await setup();
      await start('plain');
      await start('cats-1', ['cats']);
      await start('dogs', ['dogs']);
      const decisions = await start('cats-2', ['music', 'cats']);
      expect(pairs(decisions)).toEqual([['cats-1', 'cats-2']]);
      expect(decisions[0]).toMatchObject({ sharedInterests: ['cats'] });
    });

    it('keeps a stranger with interests for a shared one until the interest wait ends', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a', ['cats']);
      expect(await start('b')).toEqual([]);
      clock.advance(INTEREST_WAIT - 1);
      expect(await matchmaker.pairWaiting()).toEqual([]);
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + 1);
      clock.advance(1);
      const decisions = await matchmaker.pairWaiting();
      expect(pairs(decisions)).toEqual([['a', 'b']]);
      expect(decisions[0]).toMatchObject({ sharedInterests: [] });
    });

    it('lets two strangers with different interests meet once both waited long enough', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a', ['cats']);
      clock.advance(INTEREST_WAIT);
      expect(await start('b', ['dogs'])).toEqual([]);
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + INTEREST_WAIT);
      clock.advance(INTEREST_WAIT);
      expect(pairs(await matchmaker.pairWaiting())).toEqual([['a', 'b']]);
    });

    it('tells the partner when a stranger presses Next, and looks again for the skipper', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      await start('b');
      const result = await matchmaker.next('a');
      expect(result).toEqual({
        ok: true,
        decisions: [
          { kind: 'partnerLeft', stranger: 'b', leaver: 'a', reason: 'next', pairedForMs: 0 },
        ],
      });
      expect(await matchmaker.stateOf('a')).toBe('waiting');
      expect(await matchmaker.stateOf('b')).toBe('idle');
    });

    it('does not pair again with a stranger skipped within the skip memory', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a');
      await start('b');
      await matchmaker.next('a');
      // b, now idle, presses Next too: a is waiting, but a skipped b.
      const result = await matchmaker.next('b');
      expect(result.ok && pairs(result.decisions)).toEqual([]);
      await start('c');
      expect(await matchmaker.partnerOf('c')).toBe('a');
      await matchmaker.stop('c');
      await matchmaker.next('a');
      clock.advance(SKIP_MEMORY - 1);
      expect(pairs(await matchmaker.pairWaiting())).toEqual([]);
      clock.advance(1);
      expect(pairs(await matchmaker.pairWaiting())).toEqual([['b', 'a']]); // b queued first
    });

    it('schedules the sweep for when a skip memory between two waiting strangers ends', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a');
      await start('b');
      await matchmaker.next('a');
      await matchmaker.next('b');
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + SKIP_MEMORY);
    });

    it('Stop leaves the partner idle and told, and the stopper idle', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      await start('b');
      expect(await matchmaker.stop('b')).toEqual({
        ok: true,
        decisions: [
          { kind: 'partnerLeft', stranger: 'a', leaver: 'b', reason: 'stop', pairedForMs: 0 },
        ],
      });
      expect(await matchmaker.stateOf('a')).toBe('idle');
      expect(await matchmaker.stateOf('b')).toBe('idle');
      expect(await matchmaker.counts()).toEqual({ connected: 2, waiting: 0, paired: 0, bans: 0 });
    });

    it('Stop takes a waiting stranger out of the queue', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      expect(await matchmaker.stop('a')).toEqual({ ok: true, decisions: [] });
      expect(await start('b')).toEqual([]);
    });

    it('a disconnect tells the partner and forgets the stranger', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a');
      await start('b');
      clock.advance(42_000);
      expect(await matchmaker.remove('a')).toEqual([
        {
          kind: 'partnerLeft',
          stranger: 'b',
          leaver: 'a',
          reason: 'disconnect',
          pairedForMs: 42_000,
        },
      ]);
      expect(await matchmaker.stateOf('a')).toBeUndefined();
      expect(await matchmaker.counts()).toEqual({ connected: 1, waiting: 0, paired: 0, bans: 0 });
    });

    it('a disconnected stranger is removed from the queue', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      await matchmaker.remove('a');
      expect(await start('b')).toEqual([]);
    });

    it('refuses start while waiting or paired, and Next before any start', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      expect(await matchmaker.start('a', NO_PROFILE)).toEqual({ ok: false, code: 'invalid_state' });
      await matchmaker.register('b');
      expect(await matchmaker.next('b')).toEqual({ ok: false, code: 'invalid_state' });
      expect(await matchmaker.start('ghost', NO_PROFILE)).toEqual({
        ok: false,
        code: 'unknown_stranger',
      });
    });

    it('Next after the partner left looks again with the same interests', async () => {
      const { matchmaker, start } = await setup();
      await start('a', ['cats']);
      await start('b', ['cats']);
      await matchmaker.stop('a');
      await start('c', ['cats']);
      const result = await matchmaker.next('b');
      expect(result.ok && result.decisions[0]).toMatchObject({
        kind: 'paired',
        sharedInterests: ['cats'],
      });
    });

    it('a block ends the chat like Next and keeps the two apart, also after either reconnects', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a', [], undefined, 'addr-a');
      await start('b', [], undefined, 'addr-b');
      const result = await matchmaker.block('a', 60_000);
      expect(result).toEqual({
        ok: true,
        decisions: [
          { kind: 'partnerLeft', stranger: 'b', leaver: 'a', reason: 'next', pairedForMs: 0 },
        ],
        partnerTags: ['addr-b'],
      });
      expect(await matchmaker.stateOf('a')).toBe('idle');
      // Both come back on new connections from the same addresses: still kept apart.
      await matchmaker.remove('a');
      await matchmaker.remove('b');
      expect(await start('a2', [], undefined, 'addr-a')).toEqual([]);
      expect(await start('b2', [], undefined, 'addr-b')).toEqual([]);
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + 60_000);
      // Someone else still meets either of them.
      expect(pairs(await start('c'))).toEqual([['a2', 'c']]);
      clock.advance(60_000);
      await start('d');
      expect(pairs(await matchmaker.pairWaiting())).toEqual([]);
      expect(await matchmaker.partnerOf('b2')).toBe('d');
    });

    it('two on one address are kept apart by the skip memory, not by blocking the address', async () => {
      const { matchmaker, start } = await setup();
      await start('a', [], undefined, 'shared-nat');
      await start('b', [], undefined, 'shared-nat');
      expect(await matchmaker.block('a', 60_000)).toMatchObject({ ok: true });
      await matchmaker.next('a');
      await matchmaker.next('b');
      expect(await matchmaker.stateOf('b')).toBe('waiting');
      // Someone else behind the same NAT still meets them.
      expect(pairs(await start('c', [], undefined, 'shared-nat'))).toEqual([['a', 'c']]);
    });

    it('blocks only a stranger one is chatting with', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      expect(await matchmaker.block('a', 60_000)).toEqual({ ok: false, code: 'invalid_state' });
      expect(await matchmaker.block('ghost', 60_000)).toEqual({
        ok: false,
        code: 'unknown_stranger',
      });
    });

    it('a ban takes its strangers out of the queue and their chats, and refuses their start and next until it ends', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('chatting', [], undefined, 'banned-address');
      await start('partner');
      await start('waiting', [], undefined, 'banned-address');
      await matchmaker.register('idle', ['banned-address']);
      const until = clock.now() + 60_000;
      const decisions = await matchmaker.ban(['banned-address', 'unused-tag'], until);
      expect(decisions).toHaveLength(3);
      expect(decisions).toEqual(
        expect.arrayContaining([
          {
            kind: 'partnerLeft',
            stranger: 'partner',
            leaver: 'chatting',
            reason: 'stop',
            pairedForMs: 0,
          },
          { kind: 'banned', stranger: 'chatting', until },
          { kind: 'banned', stranger: 'waiting', until },
        ]),
      );
      for (const id of ['chatting', 'partner', 'waiting', 'idle']) {
        expect(await matchmaker.stateOf(id)).toBe('idle');
      }
      expect(await matchmaker.partnerOf('partner')).toBeUndefined();
      const refused = { ok: false, code: 'banned', until };
      expect(await matchmaker.next('chatting')).toEqual(refused);
      expect(await matchmaker.next('waiting')).toEqual(refused);
      expect(await matchmaker.start('idle', NO_PROFILE)).toEqual(refused);
      // A new connection of the address is refused too; nobody is left waiting to be offered.
      await matchmaker.register('reconnected', ['banned-address']);
      expect(await matchmaker.start('reconnected', NO_PROFILE)).toEqual(refused);
      expect(await start('newcomer')).toEqual([]);
      expect(await matchmaker.counts()).toMatchObject({ waiting: 1, paired: 0, bans: 1 });
      clock.advance(60_000);
      expect(await matchmaker.counts()).toMatchObject({ bans: 0 });
      expect(pairs(await start('idle'))).toEqual([['newcomer', 'idle']]);
    });

    it('a longer ban is never shortened by a shorter one', async () => {
      const { clock, matchmaker } = await setup();
      await matchmaker.register('a', ['banned-address']);
      await matchmaker.ban(['banned-address'], clock.now() + 60_000);
      await matchmaker.ban(['banned-address'], clock.now() + 1000);
      clock.advance(1000);
      expect(await matchmaker.start('a', NO_PROFILE)).toMatchObject({ code: 'banned' });
    });

    it('registering a known stranger again replaces its tags and keeps its state', async () => {
      const { clock, matchmaker, start } = await setup();
      await start('a', [], undefined, 'old-epoch');
      await matchmaker.register('a', ['new-epoch', 'old-epoch']);
      expect(await matchmaker.stateOf('a')).toBe('waiting');
      const decisions = await matchmaker.ban(['new-epoch'], clock.now() + 60_000);
      expect(decisions).toMatchObject([{ kind: 'banned', stranger: 'a' }]);
    });

    /** a and b, paired, with their resume tokens. */
    async function chat(setupResult: Awaited<ReturnType<typeof setup>>) {
      const { start } = setupResult;
      await start('a', [], 'Ada');
      const [paired] = await start('b');
      if (paired?.kind !== 'paired') throw new Error('not paired');
      const tokenA = paired.resumeTokens.a ?? '';
      const tokenB = paired.resumeTokens.b ?? '';
      return { tokenA, tokenB };
    }

    it('hands each side of a chat its own resume token, with the chat’s secret in common', async () => {
      const { tokenA, tokenB } = await chat(await setup());
      expect(tokenA).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{32}$/u);
      expect(tokenB.split('.')[0]).toBe(tokenA.split('.')[0]);
      expect(tokenB).not.toBe(tokenA);
    });

    it('holds a stranger whose connection closed: the partner hears it is away, then, after the grace, that it left', async () => {
      const context = await setup();
      const { clock, matchmaker } = context;
      await chat(context);
      clock.advance(1000);
      expect(await matchmaker.hold('a')).toEqual([
        { kind: 'partnerAway', stranger: 'b', away: 'a', graceMs: RESUME_GRACE },
      ]);
      expect(await matchmaker.hold('a')).toEqual([]);
      expect(await matchmaker.partnerOf('b')).toBe('a');
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + RESUME_GRACE);
      clock.advance(RESUME_GRACE - 1);
      expect(await matchmaker.pairWaiting()).toEqual([]);
      clock.advance(1);
      expect(await matchmaker.pairWaiting()).toEqual([
        {
          kind: 'partnerLeft',
          stranger: 'b',
          leaver: 'a',
          reason: 'disconnect',
          pairedForMs: 1000 + RESUME_GRACE,
        },
      ]);
      expect(await matchmaker.stateOf('a')).toBeUndefined();
      expect(await matchmaker.stateOf('b')).toBe('idle');
    });

    it('removes a stranger who was not chatting as soon as its connection closes', async () => {
      const { matchmaker, start } = await setup();
      await start('a');
      expect(await matchmaker.hold('a')).toEqual([]);
      expect(await matchmaker.stateOf('a')).toBeUndefined();
    });

    it('lets a new connection resume the chat with the token: the partner hears it is back, the old token is spent', async () => {
      const context = await setup();
      const { matchmaker } = context;
      const { tokenA } = await chat(context);
      await matchmaker.hold('a');
      await matchmaker.register('a2', ['tag-a']);
      const result = await matchmaker.resume('a2', tokenA);
      expect(result).toMatchObject({
        ok: true,
        partnerPresent: true,
        decisions: [
          { kind: 'resumed', stranger: 'a2', partner: 'b' },
          { kind: 'partnerReturned', stranger: 'b', partner: 'a2' },
        ],
      });
      expect(result.ok && result.resumeToken.split('.')[0]).toBe(tokenA.split('.')[0]);
      expect(result.ok && result.resumeToken).not.toBe(tokenA);
      expect(await matchmaker.partnerOf('b')).toBe('a2');
      expect(await matchmaker.partnerOf('a2')).toBe('b');
      expect(await matchmaker.stateOf('a')).toBeUndefined();
      expect(await matchmaker.nextDeadline()).toBeUndefined();
      // Replayed by anyone, the old token is refused; the new one works once a2 drops in turn.
      await matchmaker.register('thief');
      expect(await matchmaker.resume('thief', tokenA)).toEqual({
        ok: false,
        code: 'resume_invalid',
      });
      // The chat goes on as before: Next by b tells a2.
      const next = await matchmaker.next('b');
      expect(next.ok && next.decisions[0]).toMatchObject({
        kind: 'partnerLeft',
        stranger: 'a2',
        leaver: 'b',
      });
    });

    it('closes the old connection quietly when the chat is resumed before the server noticed the drop', async () => {
      const context = await setup();
      const { tokenB } = await chat(context);
      await context.matchmaker.register('b2');
      const result = await context.matchmaker.resume('b2', tokenB);
      expect(result.ok && result.decisions).toContainEqual({ kind: 'replaced', stranger: 'b' });
      expect(await context.matchmaker.partnerOf('a')).toBe('b2');
    });

    it('refuses a token for a chat that ended as expired, and a forged or malformed one as invalid', async () => {
      const context = await setup();
      const { matchmaker } = context;
      const { tokenA, tokenB } = await chat(context);
      await matchmaker.register('x');
      const forged = `${tokenA.split('.')[0] ?? ''}.${'0'.repeat(32)}`;
      expect(await matchmaker.resume('x', forged)).toEqual({ ok: false, code: 'resume_invalid' });
      expect(await matchmaker.resume('x', 'not a token')).toEqual({
        ok: false,
        code: 'resume_invalid',
      });
      await matchmaker.stop('b');
      expect(await matchmaker.resume('x', tokenA)).toEqual({ ok: false, code: 'resume_expired' });
      expect(await matchmaker.resume('x', tokenB)).toEqual({ ok: false, code: 'resume_expired' });
      expect(await matchmaker.stateOf('x')).toBe('idle');
    });

    it('rejoins a chat the state lost when both sides come back with their tokens', async () => {
      const { tokenA, tokenB } = await chat(await setup());
      // A fresh state (the server restarted, or Redis came back empty).
      const { clock, matchmaker } = await setup();
      await matchmaker.register('a2');
      await matchmaker.register('b2');
      expect(await matchmaker.resume('a2', tokenA)).toEqual({
        ok: true,
        decisions: [],
        resumeToken: tokenA,
        partnerPresent: false,
      });
      expect(await matchmaker.stateOf('a2')).toBe('rejoining');
      expect(await matchmaker.nextDeadline()).toBe(clock.now() + RESUME_GRACE);
      const result = await matchmaker.resume('b2', tokenB);
      expect(result).toMatchObject({
        ok: true,
        partnerPresent: true,
        decisions: [
          { kind: 'resumed', stranger: 'b2', partner: 'a2' },
          { kind: 'partnerReturned', stranger: 'a2', partner: 'b2' },
        ],
      });
      // a2 gets a new token too: the one it rejoined with is spent.
      const returned = result.ok ? result.decisions[1] : undefined;
      const newTokenA = returned?.kind === 'partnerReturned' ? returned.resumeToken : undefined;
      expect(newTokenA).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{32}$/u);
      expect(newTokenA).not.toBe(tokenA);
      expect(await matchmaker.partnerOf('a2')).toBe('b2');
      expect(await matchmaker.counts()).toMatchObject({ paired: 2 });
      // Neither old token can take the chat over now.
      await matchmaker.register('c');
      expect(await matchmaker.resume('c', tokenA)).toEqual({ ok: false, code: 'resume_invalid' });
      expect(await matchmaker.resume('c', tokenB)).toEqual({ ok: false, code: 'resume_invalid' });
      // The chat goes on as any other: Next leaves it and looks again.
      const next = await matchmaker.next('a2');
      expect(next.ok && next.decisions[0]).toMatchObject({ kind: 'partnerLeft', stranger: 'b2' });
      expect(await matchmaker.stateOf('a2')).toBe('waiting');
    });

    it('gives up a rejoin when the partner does not come back within the grace', async () => {
      const { tokenA } = await chat(await setup());
      const { clock, matchmaker } = await setup();
      await matchmaker.register('a2');
      await matchmaker.resume('a2', tokenA);
      clock.advance(RESUME_GRACE);
      expect(await matchmaker.pairWaiting()).toEqual([{ kind: 'rejoinFailed', stranger: 'a2' }]);
      expect(await matchmaker.stateOf('a2')).toBe('idle');
      expect(await matchmaker.nextDeadline()).toBeUndefined();
    });

    describe('languages', () => {
      /** Registers and starts `id` speaking `languages`. */
      const speaking = async (
        context: Awaited<ReturnType<typeof setup>>,
        id: string,
        languages: string[],
        languagesOnly = false,
      ): Promise<readonly Decision[]> => {
        await context.matchmaker.register(id, [`tag-${id}`]);
        const result = await context.matchmaker.start(id, {
          interests: [],
          nickname: undefined,
          languages,
          languagesOnly,
        });
        if (!result.ok) throw new Error(`start ${id}: ${result.code}`);
        return result.decisions;
      };

      it('pairs strangers who speak a language in common before an earlier one who speaks another', async () => {
        const context = await setup();
        expect(await speaking(context, 'es', ['es'])).toEqual([]);
        expect(await speaking(context, 'ja', ['ja'])).toEqual([]);
        const decisions = await speaking(context, 'ja-en', ['ja', 'en']);
        expect(pairs(decisions)).toEqual([['ja', 'ja-en']]);
        expect(decisions[0]).toMatchObject({ sharedLanguages: ['ja'] });
      });

      it('prefers a stranger who shares a language over one who merely accepts anyone', async () => {
        const context = await setup();
        await speaking(context, 'anyone', []);
        context.clock.advance(1);
        await speaking(context, 'pt', ['pt']);
        // Neither speaks German: the first in the queue who accepts anyone is met.
        expect(pairs(await speaking(context, 'de', []))).toEqual([['anyone', 'de']]);
        expect(pairs(await speaking(context, 'pt-2', ['pt']))).toEqual([['pt', 'pt-2']]);
      });

      it('waits for a shared language until the language wait ends, then meets anyone', async () => {
        const context = await setup();
        const { clock, matchmaker } = context;
        await speaking(context, 'es', ['es']);
        expect(await speaking(context, 'none', [])).toEqual([]);
        expect(await matchmaker.nextDeadline()).toBe(clock.now() + LANGUAGE_WAIT);
        clock.advance(LANGUAGE_WAIT);
        const decisions = await matchmaker.pairWaiting();
        expect(pairs(decisions)).toEqual([['es', 'none']]);
        expect(decisions[0]).toMatchObject({ sharedLanguages: [] });
      });

      it('never pairs one who asked for their languages only with another language, and ends their search after the wait', async () => {
        const context = await setup();
        const { clock, matchmaker } = context;
        await speaking(context, 'es-only', ['es'], true);
        await speaking(context, 'ja', ['ja']);
        clock.advance(LANGUAGE_WAIT);
        expect(await matchmaker.pairWaiting()).toEqual([]);
        expect(await matchmaker.nextDeadline()).toBe(
          clock.now() - LANGUAGE_WAIT + LANGUAGE_ONLY_WAIT,
        );
        clock.advance(LANGUAGE_ONLY_WAIT - LANGUAGE_WAIT);
        expect(await matchmaker.pairWaiting()).toEqual([
          { kind: 'searchEnded', stranger: 'es-only', reason: 'no_language_match' },
        ]);
        expect(await matchmaker.stateOf('es-only')).toBe('idle');
        expect(await matchmaker.stateOf('ja')).toBe('waiting');
        // A Spanish speaker still meets them when they look again.
        await matchmaker.next('es-only', { languages: ['es'], languagesOnly: true });
        expect(pairs(await speaking(context, 'es', ['es', 'ca']))).toEqual([['es-only', 'es']]);
      });

      it('Next looks again with the languages it is given', async () => {
        const context = await setup();
        const { matchmaker } = context;
        await speaking(context, 'a', ['fr']);
        await speaking(context, 'b', ['fr']);
        const next = await matchmaker.next('a', { languages: ['tr'] });
        expect(next.ok && pairs(next.decisions)).toEqual([]);
        expect(pairs(await speaking(context, 'c', ['tr']))).toEqual([['a', 'c']]);
      });
    });

    it("hands each side the other's nickname", async () => {
      const { start } = await setup();
      await start('a', [], 'Ada');
      const decisions = await start('b');
      expect(decisions[0]).toMatchObject({ kind: 'paired', nicknames: { a: 'Ada' } });
      const paired = decisions[0];
      expect(paired?.kind === 'paired' && paired.nicknames.b).toBeUndefined();
    });
  });
}
