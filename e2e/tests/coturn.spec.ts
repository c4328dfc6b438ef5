/**
 * The product with TURN_MODE=external and a real coturn running the config the repository
 * generates (docs/self-hosting.md): two strangers who hide their IP address talk relay to
 * relay through it, which needs the generator's relay-to-relay allowance.
 */
import { expect, meet } from '../support/fixtures';
import { hasCoturn, testWithCoturn as test, TURNSERVER } from '../support/coturn';
import {
  candidateReport,
  expectRelayOnlyCall,
  expectStrangerVideo,
  expectVideoKeepsFlowing,
} from '../support/media';

test.skip(!hasCoturn, `${TURNSERVER} not found: apt-get install coturn`);
test.skip(
  (process.env.BASE_URL ?? '') !== '',
  'BASE_URL: the deployment uses its own TURN server, not one this run starts',
);

test('two who hide their IP address talk relay to relay through coturn with the generated config', async ({
  openStranger,
  coturn,
}) => {
  const a = await openStranger({ hideIp: true });
  const b = await openStranger({ hideIp: true });
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  await expectRelayOnlyCall([a, b]);
  for (const stranger of [a, b]) {
    const report = await candidateReport(stranger.page);
    expect(report.selectedServerUrl, `${stranger.label}: relayed by`).toBe(coturn.turnUrl);
  }

  await a.sendMessage('hello through coturn');
  await expect(b.chatLog).toContainText('hello through coturn');
  await b.sendMessage('hello back');
  await expect(a.chatLog).toContainText('hello back');

  await expectVideoKeepsFlowing([a, b], { durationMs: 20_000 });
  await expectRelayOnlyCall([a, b]);
});
