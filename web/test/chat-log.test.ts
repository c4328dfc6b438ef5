import en from '../src/lib/i18n/locales/en';
import { describe, expect, it } from 'vitest';
import { CHAT_HISTORY, ChatLog, type ChatEntry } from '../src/lib/chat/chat-log';
import { ImageAssembler, splitImage } from '../src/lib/chat/image-transfer';
import { ManualClock, fakeObjectUrls } from './fakes';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

function setup() {
  const clock = new ManualClock();
  const urls = fakeObjectUrls();
  let changes = 0;
  const log = new ChatLog({
    clock,
    objectUrls: urls,
    words: () => en.chat,
    onChange: () => changes++,
  });
  /** A picture from Bo, as their connection reports it while it arrives. */
  const receiveImage = (bytes: Uint8Array): void => {
    const assembler = new ImageAssembler();
    for (const message of splitImage('pic1', bytes, 'image/jpeg')) {
      const event = assembler.accept(message);
      if (event !== undefined) log.strangerImage(event, 'Bo');
    }
  };
  return { log, clock, urls, receiveImage, changes: () => changes };
}

const texts = (entries: readonly ChatEntry[]): string[] =>
  entries.map((e) => (e.kind === 'text' ? e.text : 'image'));

describe('ChatLog', () => {
  it('shows our lines and the stranger’s under their names, and tells the page', () => {
    const t = setup();
    t.log.addOwnText('Ann', 'hello');
    t.log.strangerText('Bo', 'hey Ann');
    t.log.system('Stranger left.');
    expect(t.log.entries).toMatchObject([
      { from: 'me', name: 'Ann', text: 'hello' },
      { from: 'stranger', name: 'Bo', text: 'hey Ann' },
      { from: 'system', name: 'Mayfly', text: 'Stranger left.' },
    ]);
    expect(new Set(t.log.entries.map((e) => e.id)).size).toBe(3);
    expect(t.changes()).toBe(3);
  });

  it('says once that something from the stranger was refused', () => {
    const t = setup();
    t.log.refused('not-json');
    t.log.refused('malformed');
    t.log.strangerImage({ kind: 'rejected', id: 'nope', reason: 'unexpected-chunk' }, 'Bo');
    const system = t.log.entries.filter((e) => e.from === 'system');
    expect(system).toHaveLength(1);
    expect(texts(system)[0]).toContain('was not understood');
  });

  it('drops a flood of stranger messages, saying so once, and lets them through a second later', async () => {
    const t = setup();
    for (let i = 0; i < 50; i++) t.log.strangerText('Bo', `m${i}`);
    expect(t.log.entries.filter((e) => e.from === 'stranger')).toHaveLength(5);
    expect(t.log.entries.filter((e) => e.from === 'system')).toHaveLength(1);
    await t.clock.advance(1000);
    t.log.strangerText('Bo', 'later');
    expect(t.log.entries.at(-1)).toMatchObject({ text: 'later' });
  });

  it('reassembles the stranger’s picture, showing progress until it is complete', () => {
    const t = setup();
    t.log.strangerImage({ kind: 'started', id: 'pic1', size: 8 }, 'Bo');
    expect(t.log.entries).toMatchObject([
      { kind: 'image', from: 'stranger', name: 'Bo', url: undefined, progress: 0 },
    ]);
    t.log.strangerImage({ kind: 'progress', id: 'pic1', received: 8, size: 8 }, 'Bo');
    expect(t.log.entries[0]).toMatchObject({ progress: 1, url: undefined });
    t.log.strangerImage({ kind: 'complete', id: 'pic1', bytes: JPEG, mime: 'image/jpeg' }, 'Bo');
    expect(t.log.entries).toMatchObject([{ url: 'blob:test/1', progress: 1, failed: false }]);
  });

  it('marks a picture that turns out not to be one as refused, and says why', () => {
    const t = setup();
    t.receiveImage(new Uint8Array([1, 2, 3]));
    expect(t.log.entries[0]).toMatchObject({ kind: 'image', failed: true, url: undefined });
    expect(texts(t.log.entries).at(-1)).toContain('was not understood');
    expect(t.urls.created).toEqual([]);
  });

  it('keeps the picture we send with its progress, or marks it failed', () => {
    const t = setup();
    const sent = t.log.addOwnImage('Ann', JPEG.slice(), 'image/jpeg');
    t.log.setProgress(sent, 0.5);
    expect(t.log.entries[0]).toMatchObject({
      kind: 'image',
      from: 'me',
      name: 'Ann',
      url: 'blob:test/1',
      progress: 0.5,
    });
    t.log.markFailed(sent);
    expect(t.log.entries[0]).toMatchObject({ failed: true });
  });

  it(`keeps the last ${CHAT_HISTORY} entries and frees the pictures that drop out`, () => {
    const t = setup();
    t.log.addOwnImage('Ann', JPEG.slice(), 'image/jpeg');
    for (let i = 1; i < CHAT_HISTORY; i++) t.log.addOwnText('Ann', `m${i}`);
    expect(t.urls.revoked).toEqual([]);
    t.log.addOwnText('Ann', 'one more');
    expect(t.log.entries).toHaveLength(CHAT_HISTORY);
    expect(texts(t.log.entries)[0]).toBe('m1');
    expect(t.urls.revoked).toEqual(['blob:test/1']);
  });

  it('clears for the next stranger: frees every picture and forgets the warnings given', () => {
    const t = setup();
    t.receiveImage(JPEG);
    t.log.refused('not-json');
    for (let i = 0; i < 10; i++) t.log.strangerText('Bo', `m${i}`);
    t.log.clear();
    expect(t.log.entries).toEqual([]);
    expect(t.urls.revoked).toEqual(['blob:test/1']);

    // A new stranger starts with a fresh allowance and fresh warnings.
    t.log.refused('not-json');
    for (let i = 0; i < 10; i++) t.log.strangerText('Bo', `n${i}`);
    expect(t.log.entries.filter((e) => e.from === 'system')).toHaveLength(2);
    expect(t.log.entries.filter((e) => e.from === 'stranger')).toHaveLength(5);
  });
});
