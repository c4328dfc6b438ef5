/**
 * Numbers, plurals, lists and durations in a locale, with `Intl`, for the locale modules. The
 * formatters are made per call: they are cheap and the page formats a handful of values.
 */

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The form `Intl.PluralRules` picks for `count`, with `#` replaced by the formatted number. */
export function plural(locale: string, count: number, forms: PluralForms): string {
  const form = forms[new Intl.PluralRules(locale).select(count)] ?? forms.other;
  return form.replaceAll('#', formatNumber(locale, count));
}

export function formatNumber(locale: string, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "Spanish, English and French", or the items joined by commas where `Intl.ListFormat` lacks. */
export function formatList(locale: string, items: readonly string[]): string {
  try {
    return new Intl.ListFormat([locale], { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** `850 ms`, `1,2 s`: milliseconds below a second, else seconds with one decimal at most. */
export function formatDuration(locale: string, ms: number): string {
  const seconds = ms >= 1000;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: seconds ? 'second' : 'millisecond',
    unitDisplay: 'short',
    maximumFractionDigits: seconds ? 1 : 0,
  }).format(seconds ? ms / 1000 : ms);
}

/** A moment in UTC, e.g. for the privacy statement's "generated" line. */
export function formatDateTime(locale: string, date: Date): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    timeStyle: 'long',
    timeZone: 'UTC',
  }).format(date);
}

/** `18 s`, `18 Sek.`, `18 秒`: whole seconds, e.g. the room's reconnecting countdown. */
export function formatSeconds(locale: string, seconds: number): string {
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'second',
    unitDisplay: 'short',
    maximumFractionDigits: 0,
  }).format(seconds);
}
