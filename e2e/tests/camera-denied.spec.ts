import { expect, test, meet } from '../support/fixtures';
import { expectStrangerVideo } from '../support/media';

test('a stranger who blocks the camera can still chat by text', async ({ openStranger }) => {
  const a = await openStranger({ cameraDenied: true });
  const b = await openStranger();
  await meet(a, b);
  await expect(a.page.getByLabel('Your video')).toHaveCount(0);
  // Sending nothing does not stop A from seeing B.
  await expectStrangerVideo(a.page, b.colour);

  await a.sendMessage('no camera here, text is fine');
  await expect(b.chatLog).toContainText('no camera here, text is fine');
  await b.sendMessage('text works for me too');
  await expect(a.chatLog).toContainText('text works for me too');
});

test('two strangers who both block the camera can chat by text', async ({ openStranger }) => {
  const a = await openStranger({ cameraDenied: true });
  const b = await openStranger({ cameraDenied: true });
  await meet(a, b);

  await a.sendMessage('text only, both ways');
  await expect(b.chatLog).toContainText('text only, both ways');
  await b.sendMessage('loud and clear');
  await expect(a.chatLog).toContainText('loud and clear');
});
