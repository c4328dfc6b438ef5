import { expect, test, meet } from '../support/fixtures';
import {
  expectSamePictureWithoutMetadata,
  jpegWithExif,
  metadataIn,
  pngWithMetadata,
  readPicture,
  type TestPicture,
} from '../support/images';
import { expectStrangerVideo, selectedCandidateType } from '../support/media';
import type { Stranger } from '../support/fixtures';

/** `from` sends `picture`; `to` shows the same pixels at the same size, without the metadata. */
async function expectPictureArrives(from: Stranger, to: Stranger, picture: TestPicture) {
  expect(metadataIn(picture.buffer), 'the test picture carries metadata').not.toEqual([]);
  await from.sendImage(picture);
  await expect(from.page.getByRole('img', { name: 'Image you sent' })).toBeVisible();
  const shown = to.page.getByRole('img', { name: 'Image from stranger' });
  await expect(shown).toBeVisible();
  const received = await readPicture(shown, (url) => to.loadedBytes(url));
  expectSamePictureWithoutMetadata(received, picture);
}

test('two strangers meet, see each other, chat and share pictures', async ({ openStranger }) => {
  const a = await openStranger({ nickname: 'Ada', colour: 'red' });
  const b = await openStranger({ nickname: 'Bo', colour: 'blue' });
  await meet(a, b);

  await test.step('each sees the other’s camera', async () => {
    await expectStrangerVideo(a.page, 'blue');
    await expectStrangerVideo(b.page, 'red');
    // Without "Hide my IP address" and without TURN the call is direct.
    expect(await selectedCandidateType(a.page)).toBe('host');
  });

  await test.step('text goes both ways, "typing" before it', async () => {
    const typing = b.page.getByText('Stranger is typing…');
    await a.page.getByRole('textbox', { name: 'Message' }).pressSequentially('hello');
    await expect(typing).toBeVisible();
    await a.sendMessage('hello from Ada');
    await expect(typing).toBeHidden();
    await expect(b.chatLog).toContainText('hello from Ada');
    await b.sendMessage('hi Ada, Bo here');
    await expect(a.chatLog).toContainText('hi Ada, Bo here');
  });

  await test.step('pictures arrive intact and without metadata', async () => {
    await expectPictureArrives(a, b, await jpegWithExif(a.page));
    await expectPictureArrives(b, a, await pngWithMetadata(b.page));
  });

  await test.step('both see the same safety code', async () => {
    expect(await a.safetyCode()).toBe(await b.safetyCode());
  });
});
