/**
 * The scrape checker the metrics tests rely on: it must find what it looks for, or a clean
 * result would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { expositionProblems, sampleValue } from './metrics-exposition.js';

const CLEAN = [
  '# HELP mayfly_strangers Strangers by state.',
  '# TYPE mayfly_strangers gauge',
  'mayfly_strangers{state="waiting"} 0',
  'mayfly_strangers{state="chatting"} 2',
  'mayfly_paired_strangers_total 2',
  'mayfly_wait_seconds_bucket{le="+Inf"} 2',
  'nodejs_version_info{version="v24.22.3",major="24",minor="22",patch="3"} 1',
  '',
].join('\n');

describe('expositionProblems', () => {
  it('passes a scrape of closed-set labels with no identity in it', () => {
    expect(expositionProblems(CLEAN, ['203.0.113.77', 'Zanzibar'])).toEqual([]);
  });

  it('flags an identity anywhere, comments included', () => {
    const scrape = `${CLEAN}# HELP mayfly_x seen from 203.0.113.77\n`;
    expect(expositionProblems(scrape, ['203.0.113.77'])).toEqual(['holds "203.0.113.77"']);
  });

  it('flags a label outside the closed set, a value outside its set and a foreign metric', () => {
    const scrape = [
      'mayfly_connections{client="a3f9c2d1e0b4f6a8"} 1',
      'mayfly_strangers{state="Zanzibar"} 1',
      'http_requests_total 3',
      'not a sample',
    ].join('\n');
    expect(expositionProblems(scrape, [])).toEqual([
      'label client outside the closed set: mayfly_connections{client="a3f9c2d1e0b4f6a8"} 1',
      'value of state outside its set: mayfly_strangers{state="Zanzibar"} 1',
      'metric outside the allowed families: http_requests_total 3',
      'not a sample: not a sample',
    ]);
  });
});

describe('sampleValue', () => {
  it('reads one series, with or without labels', () => {
    expect(sampleValue(CLEAN, 'mayfly_paired_strangers_total')).toBe(2);
    expect(sampleValue(CLEAN, 'mayfly_strangers', 'state="chatting"')).toBe(2);
    expect(sampleValue(CLEAN, 'mayfly_strangers', 'state="gone"')).toBeUndefined();
    expect(sampleValue(CLEAN, 'mayfly_connections')).toBeUndefined();
  });
});
