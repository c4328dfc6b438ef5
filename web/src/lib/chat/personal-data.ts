/**
 * Spots text that looks like a phone number, an e-mail address or a street address, so the
 * client can ask once before it goes to a stranger. A nudge, not a filter: false positives cost a
 * second press of Send, false negatives cost nothing the person did not choose to type.
 */

export type PersonalDataKind = 'phone' | 'email' | 'address';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;

// Runs of digits with the usual separators; at least 7 digits counts as a phone number.
const PHONE_CANDIDATE = /(?:\+|00)?\(?\d[\d\s()./-]{5,}\d/g;

const STREET_WORDS = [
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'lane',
  'ln',
  'drive',
  'dr',
  'boulevard',
  'blvd',
  'way',
  'court',
  'ct',
  'place',
  'pl',
  'square',
  'sq',
  'terrace',
  'close',
  'crescent',
  'highway',
  'strasse',
  'straße',
  'str',
  'weg',
  'gasse',
  'platz',
  'allee',
  'rue',
  'via',
  'viale',
  'calle',
  'avenida',
  'rua',
  'straat',
  'laan',
  'plein',
  'ulica',
  'ul',
];
const STREET = STREET_WORDS.join('|');
// "12 Baker Street", "Baker St. 12", "Hauptstraße 5", "5 rue de la Paix", "Calle Mayor 3".
const ADDRESS_PATTERNS = [
  new RegExp(`\\b\\d{1,5}[a-z]?,?\\s+(?:[\\p{L}'-]+\\s+){0,3}(?:${STREET})\\b`, 'iu'),
  new RegExp(`(?:^|[\\s,])(?:${STREET})\\.?\\s+(?:[\\p{L}'-]+\\s+){0,3}\\d{1,5}[a-z]?\\b`, 'iu'),
  new RegExp(
    `[\\p{L}-]{2,}(?:straße|strasse|str\\.|weg|gasse|platz|allee|straat|laan)\\s+\\d{1,5}[a-z]?\\b`,
    'iu',
  ),
  /\b\d{1,5}[a-z]?\s+(?:rue|via|viale|calle|avenida|rua|ulica)\b/iu,
];

function looksLikePhone(text: string): boolean {
  for (const match of text.matchAll(PHONE_CANDIDATE)) {
    const digits = match[0].replace(/\D/g, '');
    // 7-15 digits (E.164 maximum); dates such as 2024-05-01 have 8 but two separators of '-'
    // between short groups, so skip the obvious date shapes.
    if (digits.length < 7 || digits.length > 15) continue;
    if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$/.test(match[0].trim())) {
      continue;
    }
    return true;
  }
  return false;
}

/** The kinds of personal data the text seems to contain, in a fixed order. */
export function detectPersonalData(text: string): PersonalDataKind[] {
  const kinds: PersonalDataKind[] = [];
  if (looksLikePhone(text)) kinds.push('phone');
  if (EMAIL.test(text)) kinds.push('email');
  if (ADDRESS_PATTERNS.some((pattern) => pattern.test(text))) kinds.push('address');
  return kinds;
}
