/**
 * "Hide my IP address" in the default configuration, as a person trying Mayfly on their own
 * machine runs it: `npm start` with no TURN_* variable, the page at http://localhost:3000 or
 * http://127.0.0.1:3000. Chromium gathers no relay candidate from a TURN server named by a
 * loopback address, so the TURN URL must name this machine's interface address instead; and
 * when only one stranger hides, the relay must reach the other browser's host candidate, an
 * address of this same machine that the deny list refuses to everyone else.
 */
import {
  expectOneSidedRelayCall,
  expectRelayToRelayCall,
  forEachEnginePair,
  test,
} from '../support/cross-engine';
import { expect, meet, type Stranger, type StrangerOptions } from '../support/fixtures';
import {
  candidateReport,
  expectRelayOnlyCall,
  expectStrangerVideo,
  receivedCandidateTypes,
} from '../support/media';

test.use({ productTurnDefaults: true });
// Each worker's server would bind the default TURN port 3478: one server at a time.
test.describe.configure({ mode: 'default' });
test.skip(
  (process.env.BASE_URL ?? '') !== '',
  'tests the configuration of a server this run starts itself',
);

/** The server's page at `host`, e.g. http://localhost:PORT for http://127.0.0.1:PORT. */
function pageAt(baseUrl: string, host: string): string {
  const url = new URL(baseUrl);
  url.hostname = host;
  return url.origin;
}

/** A and B open the page at `pageUrl`, with "Hide my IP address" as given, meet, and see each other. */
async function call(
  openStranger: (options: StrangerOptions) => Promise<Stranger>,
  pageUrl: string,
  hideIp: { a: boolean; b: boolean },
): Promise<[Stranger, Stranger]> {
  const context = { baseURL: pageUrl };
  const a = await openStranger({ hideIp: hideIp.a, context });
  const b = await openStranger({ hideIp: hideIp.b, context });
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  return [a, b];
}

test('the server runs its embedded TURN on the default port', ({ target }) => {
  expect(target.log).toMatch(/embedded TURN on UDP and TCP 3478, relay address (?!127\.)\S+/u);
});

for (const host of ['127.0.0.1', 'localhost']) {
  test.describe(`with the page at ${host}`, () => {
    test('when both hide their IP address the call goes relay to relay', async ({
      openStranger,
      baseURL,
    }) => {
      const strangers = await call(openStranger, pageAt(baseURL ?? '', host), { a: true, b: true });
      await expectRelayOnlyCall(strangers);
    });

    test('when only one hides their IP address that side goes through the relay', async ({
      openStranger,
      baseURL,
    }) => {
      const [a, b] = await call(openStranger, pageAt(baseURL ?? '', host), { a: true, b: false });
      // A's side goes through the relay, which reaches B's host candidate: an address of this
      // machine that only a local credential's allocation may reach.
      expect((await candidateReport(a.page)).selected).toEqual({ local: 'relay', remote: 'host' });
      // B never learns A's address.
      const givenToB = await receivedCandidateTypes(b.page);
      expect(givenToB.length).toBeGreaterThan(0);
      expect(new Set(givenToB)).toEqual(new Set(['relay']));
    });
  });
}

// The same at 127.0.0.1 with the strangers in different engines (E2E_BROWSERS).
forEachEnginePair(
  test,
  (pair) => {
    test('when both hide their IP address the call goes relay to relay', async ({
      openStrangerIn,
    }) => {
      const a = await openStrangerIn(pair.first, { hideIp: true });
      const b = await openStrangerIn(pair.second, { hideIp: true });
      await expectRelayToRelayCall(a, b);
    });

    test('when only the first hides their IP address that side goes through the relay', async ({
      openStrangerIn,
    }) => {
      const a = await openStrangerIn(pair.first, { hideIp: true });
      const b = await openStrangerIn(pair.second, { hideIp: false });
      await expectOneSidedRelayCall(a, b);
    });
  },
  ' with the page at 127.0.0.1',
);
