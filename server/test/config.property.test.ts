/**
 * Properties of configuration parsing: any string for any variable (or
 * flag) either parses or stops start-up with a ConfigError naming what to
 * fix. Never another error type, which main.ts would report as a crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, flagOf, readOptions, type Variable } from '../src/config-options.js';
import { ConfigError, parseConfig } from '../src/config.js';

/**
 * Variables whose value can make another one required or out of range: the
 * error then names the other one (TURN_MODE=external needs TURN_URLS).
 */
const DEPENDENTS: Partial<Record<Variable, readonly string[]>> = {
  TURN_MODE: ['TURN_URLS', 'TURN_SECRET'],
  HANDSHAKE_TIMEOUT_MS: ['REQUEST_TIMEOUT_MS'],
};

const variable = fc.constantFrom(...CONFIG_VARIABLES);
/** Any string, and strings near what each kind of option expects. */
const rawValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  fc.integer().map(String),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    ' ',
    '-0',
    '0x10',
    '1e3',
    '007',
    'true',
    'off',
    'external',
    'embedded',
    'https://chat.example',
    'https://a.example,https://b.example/',
    'turn:turn.example:3478',
    'redis://127.0.0.1:6379',
    '10.0.0.0/8',
    '::ffff:127.0.0.1',
    '256.0.0.1',
    'x'.repeat(16),
    '\u0000',
  ),
);

/** Runs `parse`; returns undefined when it succeeded, the error otherwise. */
function failureOf(parse: () => unknown): unknown {
  try {
    parse();
    return undefined;
  } catch (error) {
    return error;
  }
}

function expectConfigErrorNaming(error: unknown, allowed: readonly string[]): void {
  if (error === undefined) return;
  expect(error).toBeInstanceOf(ConfigError);
  const { variable: named, message } = error as ConfigError;
  expect(allowed).toContain(named);
  expect(message.startsWith(`${named}: `)).toBe(true);
}

describe('configuration: properties', () => {
  it('readOptions: any string for any variable parses or throws a ConfigError naming it', () => {
    fc.assert(
      fc.property(variable, rawValue, (name, value) => {
        expectConfigErrorNaming(
          failureOf(() => readOptions({ [name]: value })),
          [name],
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('parseConfig: the same, or a ConfigError naming the option the value made required', () => {
    fc.assert(
      fc.property(variable, rawValue, (name, value) => {
        expectConfigErrorNaming(
          failureOf(() => parseConfig({ [name]: value })),
          [name, ...(DEPENDENTS[name] ?? [])],
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('parseConfig: any mix of variables parses or throws a ConfigError naming one of them', () => {
    fc.assert(
      fc.property(fc.dictionary(variable, rawValue, { maxKeys: 6 }), (env) => {
        const set = Object.keys(env) as Variable[];
        expectConfigErrorNaming(
          failureOf(() => parseConfig(env)),
          [...set, ...set.flatMap((name) => DEPENDENTS[name] ?? [])],
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('parseConfig: any command line parses or throws a ConfigError', () => {
    const argument = fc.oneof(
      rawValue,
      variable.map((name) => flagOf(name)),
      fc.tuple(variable, rawValue).map(([name, value]) => `${flagOf(name)}=${value}`),
    );
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 6 }), (argv) => {
        const error = failureOf(() => parseConfig({}, argv));
        if (error !== undefined) expect(error).toBeInstanceOf(ConfigError);
      }),
      { numRuns: 1000 },
    );
  });

  it('a value that parsed is within the declared bounds: numbers are whole and finite', () => {
    fc.assert(
      fc.property(variable, rawValue, (name, value) => {
        let options: ReturnType<typeof readOptions>;
        try {
          options = readOptions({ [name]: value });
        } catch {
          return;
        }
        const parsed: unknown = options[name];
        if (typeof parsed === 'number') expect(Number.isSafeInteger(parsed)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
