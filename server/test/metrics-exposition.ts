/**
 * What a scrape of Mayfly's /metrics may hold: metric families of its own and prom-client's
 * defaults, and labels whose every value comes from a closed set. Shared by the unit test
 * (server/test/metrics.test.ts) and the compose-stack test (e2e/tests/compose-stack.spec.ts),
 * which scrapes real replicas; it imports nothing, so both workspaces can load it.
 */

const METRIC_NAME = /^(mayfly|process|nodejs)_[a-z0-9_]+$/u;

/** Every label a scrape may carry, and the values it may take. */
const LABEL_VALUES: Readonly<Record<string, RegExp>> = {
  reason: /^[a-z_-]+$/u,
  code: /^[a-z_]+$/u,
  state: /^(waiting|chatting)$/u,
  direction: /^(to_peer|to_client)$/u,
  le: /^(\+Inf|\d+(\.\d+)?(e[+-]?\d+)?)$/u,
  // prom-client's default metrics.
  kind: /^(minor|major|incremental|weakcb)$/u,
  type: /^[A-Za-z]+$/u,
  space: /^[a-z_]+$/u,
  version: /^v\d+\.\d+\.\d+$/u,
  major: /^\d+$/u,
  minor: /^\d+$/u,
  patch: /^\d+$/u,
};

const SAMPLE = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/u;
const LABEL = /(\w+)="([^"]*)"/gu;

/**
 * Everything in a scrape that must not be there, one line each: a line that is neither a
 * comment nor a sample, a metric outside Mayfly's and prom-client's families, a label outside
 * the closed set or a value outside its set, and any of `identities` (addresses, pseudonyms,
 * nicknames, interests) anywhere in the text. Empty when the scrape is clean.
 */
export function expositionProblems(exposition: string, identities: readonly string[]): string[] {
  const problems: string[] = [];
  for (const identity of identities) {
    if (exposition.includes(identity)) problems.push(`holds "${identity}"`);
  }
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (sample === null) {
      problems.push(`not a sample: ${line}`);
      continue;
    }
    const [, name = '', labels = ''] = sample;
    if (!METRIC_NAME.test(name)) problems.push(`metric outside the allowed families: ${line}`);
    for (const [, key = '', value = ''] of labels.matchAll(LABEL)) {
      const allowed = LABEL_VALUES[key];
      if (allowed === undefined) problems.push(`label ${key} outside the closed set: ${line}`);
      else if (!allowed.test(value)) problems.push(`value of ${key} outside its set: ${line}`);
    }
  }
  return problems;
}

/**
 * The value of one sample, e.g. `sampleValue(text, 'mayfly_strangers', 'state="chatting"')`;
 * undefined when the scrape has no such line.
 */
export function sampleValue(exposition: string, name: string, labels?: string): number | undefined {
  const series = labels === undefined ? name : `${name}{${labels}}`;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
