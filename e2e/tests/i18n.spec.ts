/**
 * The page's language (issue #22): picked from the URL, from Accept-Language, or with the
 * switcher; `<html lang dir>` from the server; and none of it costs a cookie, storage or a
 * request to another origin.
 */
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

async function open(
  browser: Browser,
  baseURL: string | undefined,
  path: string,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; requests: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL, ...options });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  const response = await page.goto(path);
  expect(response?.headers()['content-security-policy'], 'CSP on every page').toContain(
    "script-src 'self'",
  );
  return { page, requests, close: () => context.close() };
}

const html = (page: Page) => page.locator('html');

test('the URL names the language: /es shows Spanish, lang="es"', async ({ browser, baseURL }) => {
  const { page, close } = await open(browser, baseURL, '/es', { locale: 'en-US' });
  await expect(html(page)).toHaveAttribute('lang', 'es');
  await expect(html(page)).toHaveAttribute('dir', 'ltr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Habla con una persona desconocida',
  );
  await expect(page.getByRole('status')).toHaveText('Pulsa Empezar para conocer a alguien.');
  await expect(page.getByRole('button', { name: 'Empezar' })).toBeDisabled();
  // Links keep the language.
  await page.getByRole('link', { name: 'Privacidad' }).click();
  await expect(page).toHaveURL(/\/es\/privacy$/u);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacidad');
  // Errors too.
  expect((await page.goto('/es/nowhere'))?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Esta página no existe.');
  await close();
});

test('Accept-Language picks the language at /: ja-JP gets Japanese', async ({
  browser,
  baseURL,
}) => {
  const { page, close } = await open(browser, baseURL, '/', { locale: 'ja-JP' });
  await expect(html(page)).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('知らない人と話そう');
  await expect(page.getByRole('button', { name: '開始' })).toBeVisible();
  // The form ticks the page's language, named in it.
  await expect(page.getByText('話せる言語:')).toContainText('日本語');
  await close();
});

test('the switcher changes the language by URL, and lang with it', async ({ browser, baseURL }) => {
  const { page, close } = await open(browser, baseURL, '/connectivity', { locale: 'en-US' });
  // Until the app has started the switcher is disabled: a choice made then would be dropped.
  const served = await (await page.request.get('/connectivity')).text();
  expect(served).toMatch(/<select[^>]*\sdisabled[\s=>]/u);
  await expect(html(page)).toHaveAttribute('lang', 'en');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('fr');
  await expect(page).toHaveURL(/\/fr\/connectivity$/u);
  await expect(html(page)).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tester votre connexion');
  await page.getByRole('combobox', { name: 'Langue' }).selectOption('ar');
  await expect(page).toHaveURL(/\/ar\/connectivity$/u);
  await expect(html(page)).toHaveAttribute('dir', 'rtl');
  // And back to English, whatever the browser's languages: /en.
  await page.getByRole('combobox', { name: 'اللغة' }).selectOption('en');
  await expect(page).toHaveURL(/\/en\/connectivity$/u);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Test your connection');
  await close();
});

test('/ar is right to left from the server on', async ({ browser, baseURL }) => {
  const { page, close } = await open(browser, baseURL, '/ar', { locale: 'en-US' });
  await expect(html(page)).toHaveAttribute('lang', 'ar');
  await expect(html(page)).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('تحدّث مع شخص غريب');
  // The form's start edge is on the right.
  const form = await page.locator('form').boundingBox();
  const heading = await page.getByRole('heading', { level: 1 }).boundingBox();
  expect(form && heading && heading.x + heading.width).toBeCloseTo(
    (form?.x ?? 0) + (form?.width ?? 0),
    0,
  );
  await close();
});

test('no cookie, no storage, no other origin in any language', async ({ browser, baseURL }) => {
  const { page, requests, close } = await open(browser, baseURL, '/', { locale: 'ru-RU' });
  await expect(html(page)).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('status')).toHaveText(/Нажмите «Начать»/u);
  await page.getByRole('combobox', { name: 'Язык' }).selectOption('hi');
  await expect(html(page)).toHaveAttribute('lang', 'hi');
  await page.getByRole('link', { name: 'निजता' }).click();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await page.goto('/pt-BR/connectivity');
  await expect(page.getByRole('status')).toContainText('Teste concluído', { timeout: 20_000 });

  expect(await page.context().cookies()).toEqual([]);
  expect(
    await page.evaluate(() => [localStorage.length, sessionStorage.length]),
    'localStorage, sessionStorage',
  ).toEqual([0, 0]);
  const origin = new URL(baseURL ?? '').host;
  const elsewhere = requests.filter((url) => new URL(url).host !== origin);
  expect(elsewhere, 'requests to another origin').toEqual([]);
  await close();
});

test('a chat in Spanish: the status, the chat log and the room speak Spanish', async ({
  browser,
  baseURL,
}) => {
  const people = [
    await open(browser, baseURL, '/es', { locale: 'es-ES' }),
    await open(browser, baseURL, '/es', { locale: 'es-ES' }),
  ];
  for (const { page } of people) {
    await expect(page.getByRole('status')).toHaveText('Pulsa Empezar para conocer a alguien.');
    await page.getByRole('checkbox', { name: 'Tengo 18 años o más' }).check();
    await page.getByRole('button', { name: 'Empezar' }).click();
    await expect(page.getByRole('status')).toContainText(
      /Buscando a alguien|Conexión establecida/u,
    );
  }
  const [first, second] = people.map(({ page }) => page);
  if (first === undefined || second === undefined) throw new Error('two people');
  await expect(first.getByRole('status')).toContainText('Conexión establecida', {
    timeout: 20_000,
  });
  await expect(first.getByRole('button', { name: 'Siguiente', exact: true })).toBeVisible();
  await expect(first.getByRole('textbox', { name: 'Mensaje' })).toHaveAttribute(
    'placeholder',
    'Escribe un mensaje',
  );
  await first.getByRole('button', { name: 'Seguridad y ajustes' }).click();
  const sheet = first.getByRole('dialog', { name: 'Seguridad y ajustes' });
  await expect(sheet.getByRole('heading', { name: 'Código de seguridad' })).toBeVisible();
  await expect(sheet.getByRole('checkbox', { name: 'Ocultar mi dirección IP' })).toBeVisible();
  await sheet.getByRole('button', { name: 'Cerrar' }).click();
  await expect(sheet).toBeHidden();
  await second.getByRole('button', { name: 'Parar', exact: true }).click();
  await expect(first.getByRole('status')).toContainText('La otra persona se ha ido.');
  await expect(first.getByRole('log')).toContainText('La otra persona se ha ido.');
  for (const { close } of people) await close();
});
