/**
 * The main flows with the two strangers in different browser engines (E2E_BROWSERS; by
 * default Chromium with Firefox both ways round, and Firefox with Firefox): the call, chat,
 * pictures, safety code, Stop, Next and report, through the QA contract alone.
 */
import { expect, expectSeesCamera, forEachEnginePair, meet, test } from '../support/cross-engine';
import {
  expectSamePictureWithoutMetadata,
  jpegWithExif,
  metadataIn,
  pngWithMetadata,
} from '../support/images';
import { selectedCandidateType } from '../support/media';

/** A person noticing their stranger left is part of the product; 3 s is the promise. */
const LEFT_WITHIN_MS = 3000;
forEachEnginePair(test, (pair) => {
  test('two strangers meet, see each other, chat, share pictures and Stop', async ({
    openStrangerIn,
  }) => {
    const a = await openStrangerIn(pair.first, { nickname: 'Ada' });
    const b = await openStrangerIn(pair.second, { nickname: 'Bo' });
    await meet(a, b);

    await test.step('each sees the other’s camera, directly', async () => {
      await expectSeesCamera(a, b);
      await expectSeesCamera(b, a);
      // Without "Hide my IP address" and without TURN the call is direct.
      expect(await selectedCandidateType(a.page)).toBe('host');
      expect(await selectedCandidateType(b.page)).toBe('host');
    });

    await test.step('text goes both ways', async () => {
      await a.sendMessage('hello from Ada');
      await b.expectChatShows('hello from Ada');
      await b.sendMessage('hi Ada, Bo here');
      await a.expectChatShows('hi Ada, Bo here');
    });

    await test.step('pictures arrive intact and without metadata', async () => {
      for (const [from, to, picture] of [
        [a, b, await jpegWithExif(a.page)],
        [b, a, await pngWithMetadata(b.page)],
      ] as const) {
        expect(metadataIn(picture.buffer), 'the test picture carries metadata').not.toEqual([]);
        await from.sendPicture(picture);
        expectSamePictureWithoutMetadata(await to.receivedPicture(), picture);
      }
    });

    await test.step('both see the same safety code', async () => {
      expect(await a.safetyCode()).toBe(await b.safetyCode());
    });

    await test.step('after Stop the other side is told at once', async () => {
      await b.stop();
      await a.waitForState('Stranger left', { timeout: LEFT_WITHIN_MS });
      await b.waitForState('Press Start');
    });
  });

  test('Next leaves for someone new; a report ends the chat and the two do not meet again', async ({
    openStrangerIn,
    target,
  }) => {
    const a = await openStrangerIn(pair.first);
    const b = await openStrangerIn(pair.second);
    await meet(a, b);
    const c = await openStrangerIn(pair.second);
    await c.start();
    await c.waitForState('Looking for a stranger');

    await test.step('A presses Next: B is told at once, A meets C', async () => {
      await a.next();
      await b.waitForState('Stranger left', { timeout: LEFT_WITHIN_MS });
      await a.waitForState('Connected');
      await c.waitForState('Connected');
      await expectSeesCamera(a, c);
      await expectSeesCamera(c, a);
    });

    await test.step('C reports A for harassment: A is told at once, and they do not meet again', async () => {
      await c.report('Harassment');
      await c.waitForState(/You reported the stranger/u);
      await a.waitForState('Stranger left', { timeout: LEFT_WITHIN_MS });
      // Both look again: they wait for someone else instead of meeting again.
      await a.next();
      await c.next();
      await a.waitForState('Looking for a stranger');
      await c.waitForState('Looking for a stranger');
      await expect.poll(async () => (await target.counts()).waiting).toBe(2);
      expect(await a.status()).toContain('Looking for a stranger');
    });
  });
});
