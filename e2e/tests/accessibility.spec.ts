/**
 * axe-core (through @axe-core/playwright) in every state of the app, in the light and the dark
 * theme, at a phone's size and a desktop's: no WCAG 2.0/2.1 A or AA violation of any impact,
 * and no best-practice finding. One person's pages are reused from state to state, and each
 * state is scanned once per theme: 9 states (10 with the sheet) x 2 themes x 2 sizes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContextOptions, Page, TestInfo } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { expectStrangerVideo } from '../support/media';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const SIZES: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 } },
};

/** Scans the page as it is, in both themes; fails listing every finding with where it is. */
async function scan(page: Page, state: string, testInfo: TestInfo): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    const findings = results.violations.map(
      (violation) =>
        `${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}\n` +
        violation.nodes
          .map((node) => `    ${node.target.join(' ')}: ${node.failureSummary ?? ''}`)
          .join('\n'),
    );
    if (findings.length > 0) {
      await testInfo.attach(`axe ${state} ${colorScheme}`, {
        body: JSON.stringify(results.violations, null, 2),
        contentType: 'application/json',
      });
    }
    expect(findings, `axe findings in "${state}", ${colorScheme} theme`).toEqual([]);
    // A scan that checked nothing proves nothing.
    expect(results.passes.length, `axe rules passed in "${state}"`).toBeGreaterThan(10);
    // What axe could not decide by itself (e.g. contrast over a video) is listed for people.
    const undecided = results.incomplete.map((item) => `${item.id} x${item.nodes.length}`);
    console.log(
      `axe ${state} ${colorScheme}: ${results.passes.length} rules passed, 0 findings; undecided: ${undecided.join(', ') || 'none'}`,
    );
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

for (const [size, context] of Object.entries(SIZES)) {
  test(`every state passes axe on a ${size}, light and dark`, async ({
    openStranger,
  }, testInfo) => {
    test.setTimeout(240_000);
    const a = await openStranger({ label: size, context });
    const { page } = a;
    await scan(page, 'start', testInfo);

    await a.start();
    await a.waitForState('Looking for a stranger');
    await scan(page, 'waiting', testInfo);

    const b = await openStranger();
    await b.start();
    await a.waitForState('Connected');
    await b.waitForState('Connected');
    await expectStrangerVideo(page, b.colour);
    // Safe start is on by default: the stranger's video is blurred.
    await expect(page.getByRole('button', { name: 'Show video' })).toBeVisible();
    await scan(page, 'safe-start blur', testInfo);

    await page.getByRole('button', { name: 'Show video' }).click();
    await a.sendMessage('hello');
    await b.sendMessage('hi there');
    await expect(a.chatLog).toContainText('hi there');
    await b.page.getByRole('textbox', { name: 'Message' }).pressSequentially('typing');
    await expect(page.getByText('Stranger is typing…')).toBeVisible();
    await scan(page, 'chatting', testInfo);

    await a.safetyCode();
    await a.openSheet();
    await scan(page, 'sheet', testInfo);

    await (await a.openSheet()).getByRole('button', { name: 'Report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Report this stranger' });
    await expect(dialog).toBeVisible();
    await scan(page, 'report dialog', testInfo);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    await b.stop();
    await a.waitForState('Stranger left');
    await scan(page, 'stranger left', testInfo);
    await a.stop();

    const textOnly = await openStranger({
      label: `${size} text-only`,
      cameraDenied: true,
      context,
    });
    await textOnly.start();
    await textOnly.waitForState('Looking for a stranger');
    await expect(textOnly.page.getByText('text-only chat')).toBeVisible();
    await scan(textOnly.page, 'text-only', testInfo);
    await textOnly.stop();

    await page.goto('/privacy');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await scan(page, 'privacy', testInfo);

    await page.goto('/connectivity');
    await expect(page.getByRole('button', { name: 'Run the test again' })).toBeEnabled({
      timeout: 20_000,
    });
    await scan(page, 'connectivity', testInfo);
  });
}
