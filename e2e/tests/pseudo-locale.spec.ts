/**
 * The pseudo-locale (`/en-XA/…`) turns every catalogue string into `[!! Ŝţàŕţ !!]`: a plain
 * English word of the catalogue left on the page is text the catalogue does not hold, i.e.
 * hard-coded English. Covers every page: the start form (with its error messages and the
 * language list open), the privacy page, the connection test (details open), the error page, and
 * the chat room (two strangers meet at /en-XA: blurred video, the typing line, messages, the
 * sheet open, the report dialog open, the stranger gone).
 *
 * Left out on purpose: the language switcher (each language named in itself), the spoken-language
 * list (names from `Intl.DisplayNames` in the page's locale, which for en-XA is English), the
 * server's own English sentences on the privacy page (`lang="en"`), technical data in `<code>`
 * (ICE candidates: `host · udp · 10.0.0.1:5000`), the device names in the room's pickers (the
 * browser's), the key name "Esc" and the brand name.
 */
import type { Browser, Page } from '@playwright/test';
import en from '../../web/src/lib/i18n/locales/en';
import { pseudoText } from '../../web/src/lib/i18n/pseudo';
import { expect, test } from '../support/fixtures';

const EXCLUDED = 'select, [lang="en"], .language-list, .chosen, code, script, style';
const ALLOWED = new Set(['mayfly']);

/** The catalogue's English texts: every string, and what the messages say for sample values. */
function englishTexts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') {
    const samples: unknown[][] = [
      [2, 2],
      [2, true],
      ['x', ['x'], 'x'],
      [undefined, [], ''],
    ];
    return samples.flatMap((args) => {
      try {
        const text: unknown = (value as (...a: unknown[]) => unknown)(...args);
        return typeof text === 'string' ? [text] : [];
      } catch {
        return []; // a message that needs other kinds of values; its words are in the others
      }
    });
  }
  if (typeof value === 'object' && value !== null)
    return Object.values(value).flatMap(englishTexts);
  return [];
}

/** Words of four letters or more: short ones ("on", "IP") also occur in names and data. */
const ENGLISH_WORDS = new Set(
  englishTexts(en)
    .flatMap((text) => text.match(/[A-Za-z]{4,}/gu) ?? [])
    .map((word) => word.toLowerCase())
    .filter((word) => !ALLOWED.has(word)),
);

/** The accented form of an English text, as it shows inside the brackets. */
const pseudo = (text: string): string => pseudoText(text).slice('[!! '.length, -' !!]'.length);

/** Visible text and accessible labels of the page, outside the excluded parts. */
async function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate((excluded) => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim() ?? '';
      if (parent === null || text === '' || parent.closest(excluded) !== null) continue;
      if (!parent.checkVisibility()) continue;
      texts.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (element.closest(excluded) !== null) continue;
      for (const name of ['aria-label', 'title', 'placeholder']) {
        const text = element.getAttribute(name);
        if (text !== null && text.trim() !== '') texts.push(text);
      }
    }
    texts.push(document.title);
    return texts;
  }, EXCLUDED);
}

/** `inserted`: words a message inserted as data (a language's name from `Intl.DisplayNames`). */
async function expectNoEnglish(
  page: Page,
  where: string,
  inserted: readonly string[] = [],
): Promise<void> {
  const found = (await pageTexts(page)).flatMap((text) =>
    (text.match(/[A-Za-z]{4,}/gu) ?? [])
      .filter((word) => ENGLISH_WORDS.has(word.toLowerCase()) && !inserted.includes(word))
      .map((word) => `${word} in "${text}"`),
  );
  expect(found, `plain English on ${where}`).toEqual([]);
}

test('the start form, privacy page and connection test have no hard-coded English', async ({
  browser,
  baseURL,
}) => {
  expect(ENGLISH_WORDS.size, 'words taken from the English catalogue').toBeGreaterThan(300);
  const context = await browser.newContext({ baseURL, locale: 'en-US' });
  const page = await context.newPage();

  await page.goto('/en-XA');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-XA');
  await expect(page.getByRole('status')).toHaveText(pseudoText(en.status.idle));
  await page.getByText(pseudo(en.start.languagesChosen)).click();
  await expect(page.getByRole('group', { name: pseudoText(en.start.languages) })).toBeVisible();
  await page.getByRole('textbox', { name: pseudoText(en.start.nickname) }).fill('!nope');
  await page.getByRole('textbox', { name: pseudoText(en.start.interests) }).fill('a b c, ?');
  await page.getByRole('checkbox', { name: pseudoText(en.start.adult) }).check();
  await page.getByRole('button', { name: pseudoText(en.start.start) }).click();
  await expect(page.getByText(pseudoText(en.start.nicknameError(24)))).toBeVisible();
  await expectNoEnglish(page, 'the start form');

  await page.goto('/en-XA/privacy');
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await expectNoEnglish(page, 'the privacy page');

  await page.goto('/en-XA/connectivity');
  await expect(page.getByRole('status')).toContainText(
    new RegExp(`${pseudo('Test finished.')}|${pseudo('The test could not start')}`, 'u'),
    { timeout: 20_000 },
  );
  await page.getByRole('button', { name: pseudoText(en.connectivity.showDetails) }).click();
  await expect(page.getByText(pseudoText(en.connectivity.detailsWarning))).toBeVisible();
  await expectNoEnglish(page, 'the connection test');

  await page.goto('/en-XA/nowhere');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(pseudoText(en.error.notFound));
  await expectNoEnglish(page, 'the page for a missing address');
  await context.close();
});

/** A page at /en-XA that has pressed Start. */
async function startAtPseudoLocale(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/en-XA');
  await expect(page.getByRole('status')).toHaveText(pseudoText(en.status.idle));
  await page.getByRole('checkbox', { name: pseudoText(en.start.adult) }).check();
  await page.getByRole('button', { name: pseudoText(en.start.start) }).click();
  return page;
}

test('the chat room has no hard-coded English', async ({ browser, baseURL }) => {
  const room = en.room;
  const first = await startAtPseudoLocale(browser, baseURL);
  await expect(first.getByRole('status')).toContainText(pseudo(en.status.waiting));
  const second = await startAtPseudoLocale(browser, baseURL);
  // "… You both speak English.": the page's language, ticked by default, named in English.
  const connected = pseudoText(en.status.connected(undefined, [], 'English'), ['English']);
  for (const page of [first, second]) {
    await expect(page.getByRole('status')).toHaveText(connected, { timeout: 20_000 });
  }
  // Safe start: the stranger's video is blurred, with its button.
  await expect(first.getByRole('button', { name: pseudoText(room.showVideo) })).toBeVisible();
  await expectNoEnglish(first, 'the room with the video blurred', ['English']);

  await first.getByRole('button', { name: pseudoText(room.showVideo) }).click();
  const message = (page: Page) => page.getByRole('textbox', { name: pseudoText(room.message) });
  await message(second).fill('ciao 42');
  await expect(first.getByText(pseudoText(room.typing))).toBeVisible();
  await expectNoEnglish(first, 'the room with the typing line', ['English']);
  await second.getByRole('button', { name: pseudoText(room.send), exact: true }).click();
  await expect(first.getByRole('log')).toContainText('ciao 42');
  await message(first).fill('hola 7');
  await first.getByRole('button', { name: pseudoText(room.send), exact: true }).click();
  await expect(second.getByRole('log')).toContainText('hola 7');
  await expect(first.getByRole('log')).toContainText(`${pseudoText(en.chat.stranger)}:`);
  await expect(first.getByRole('log')).toContainText(`${pseudoText(en.chat.you)}:`);
  await expectNoEnglish(first, 'the room with messages', ['English']);

  await first.getByRole('button', { name: pseudoText(room.sheet) }).click();
  const sheet = first.getByRole('dialog', { name: pseudoText(room.sheet) });
  await expect(sheet.getByLabel(pseudoText(room.safetyCode))).toHaveText(/\S/u);
  await expectNoEnglish(first, 'the sheet', ['English']);

  await sheet.getByRole('button', { name: pseudoText(room.report) }).click();
  const report = first.getByRole('dialog', { name: pseudoText(room.reportTitle) });
  await expect(report.getByRole('radio', { name: pseudoText(room.reasons.spam) })).toBeVisible();
  await expectNoEnglish(first, 'the report dialog', ['English']);
  await report.getByRole('button', { name: pseudoText(room.cancel) }).click();
  await expect(report).toBeHidden();

  await second.getByRole('button', { name: pseudoText(room.stop), exact: true }).click();
  await expect(first.getByRole('status')).toHaveText(pseudoText(en.status.partnerLeft));
  await expectNoEnglish(first, 'the room after the stranger left', ['English']);
  await first.context().close();
  await second.context().close();
});
