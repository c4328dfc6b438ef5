import { localeFromPath } from '#lib/i18n/locales.ts';
import { loadMessages } from '#lib/i18n/messages.ts';
import type { LayoutLoad } from './$types';

/**
 * The page's language and its messages, before the first render: the URL's prefix, else what the
 * server negotiated from `Accept-Language` (the same answer on the server and in the browser, so
 * hydration matches). Only this language's chunk is fetched.
 */
export const load: LayoutLoad = async ({ url, data }) => {
  const localePrefix = localeFromPath(url.pathname)?.locale;
  const locale = localePrefix ?? data.negotiatedLocale;
  return { locale, localePrefix, m: await loadMessages(locale) };
};
