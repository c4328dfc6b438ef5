import type { Handle } from '@sveltejs/kit/hooks';
import {
  localeFromPath,
  negotiateLocale,
  parseAcceptLanguage,
  textDirection,
} from '#lib/i18n/locales.ts';
import { loadMessages } from '#lib/i18n/messages.ts';

const escapeAttribute = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/**
 * Picks the page's language for this request (the URL's prefix, else `Accept-Language`) and
 * writes it into `<html lang dir>` (app.html's placeholders), so the server's HTML is right
 * before any script runs.
 */
export const handle: Handle = async ({ event, resolve }) => {
  const negotiated = negotiateLocale(
    parseAcceptLanguage(event.request.headers.get('accept-language')),
  );
  event.locals.negotiatedLocale = negotiated;
  const prefix = localeFromPath(event.url.pathname)?.locale;
  const locale = prefix ?? negotiated;
  const description = escapeAttribute((await loadMessages(locale)).page.description);
  const response = await resolve(event, {
    transformPageChunk: ({ html }) =>
      html
        .replace('%mayfly.lang%', locale)
        .replace('%mayfly.dir%', textDirection(locale))
        .replace('%mayfly.description%', description),
  });
  // Without a prefix the page (and its __data.json) depends on the browser's languages.
  if (prefix === undefined) response.headers.append('Vary', 'Accept-Language');
  return response;
};
