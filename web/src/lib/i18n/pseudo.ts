/**
 * The pseudo-locale: every English string accented and bracketed (`Start` → `[!! Ŝţàŕţ !!]`), so
 * that text the catalogue does not hold — hard-coded English — stands out on the page and in the
 * end-to-end check (e2e/tests/pseudo-locale.spec.ts). What a message inserts (a nickname, a
 * language's name, a number) is left as it is.
 */

// prettier-ignore
const ACCENTED: Readonly<Record<string, string>> = {
  a: 'à', b: 'ƀ', c: 'ç', d: 'ð', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'î', j: 'ĵ', k: 'ķ', l: 'ļ',
  m: 'ɱ', n: 'ñ', o: 'ö', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'û', v: 'ṽ', w: 'ŵ', x: 'ẋ',
  y: 'ý', z: 'ž', A: 'À', B: 'Ɓ', C: 'Ç', D: 'Ð', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Î', J: 'Ĵ',
  K: 'Ķ', L: 'Ļ', M: 'Ṁ', N: 'Ñ', O: 'Ö', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Ŝ', T: 'Ţ', U: 'Û', V: 'Ṽ',
  W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

function accent(text: string): string {
  return text.replace(/[A-Za-z]/gu, (letter) => ACCENTED[letter] ?? letter);
}

/** `text` accented and bracketed, except the substrings in `keep` (what a message inserted). */
export function pseudoText(text: string, keep: readonly string[] = []): string {
  const kept = keep.filter((part) => part !== '').sort((a, b) => b.length - a.length);
  let result = '';
  let rest = text;
  while (rest !== '') {
    let at = -1;
    let found = '';
    for (const part of kept) {
      const index = rest.indexOf(part);
      if (index !== -1 && (at === -1 || index < at)) [at, found] = [index, part];
    }
    if (at === -1) {
      result += accent(rest);
      break;
    }
    result += accent(rest.slice(0, at)) + found;
    rest = rest.slice(at + found.length);
  }
  return `[!! ${result} !!]`;
}

function insertedText(args: readonly unknown[]): string[] {
  return args.flatMap((arg) =>
    typeof arg === 'string'
      ? [arg]
      : Array.isArray(arg)
        ? arg.filter((a) => typeof a === 'string')
        : [],
  );
}

/**
 * The catalogue with every string transformed and every message function's result too. The
 * casts: the result has the input's shape by construction (strings stay strings, functions keep
 * their parameters and return strings), which TypeScript cannot follow through the recursion.
 */
export function pseudoLocalize<T>(value: T): T {
  if (typeof value === 'string') return pseudoText(value) as T;
  if (typeof value === 'function') {
    const message = value as (...args: unknown[]) => unknown;
    const pseudo = (...args: unknown[]): string =>
      pseudoText(String(message(...args)), insertedText(args));
    // Same parameter count as the English message (the catalogue test compares shapes).
    Object.defineProperty(pseudo, 'length', { value: message.length });
    return pseudo as T;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]: [string, unknown]) => [key, pseudoLocalize(child)]),
    ) as T;
  }
  return value;
}
