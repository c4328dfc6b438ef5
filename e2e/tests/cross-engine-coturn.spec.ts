/**
 * "Hide my IP address" with the two strangers in different browser engines (E2E_BROWSERS), on
 * a real coturn running the config the repository generates, the product in
 * TURN_MODE=external (as coturn.spec.ts, whose notes apply).
 */
import { mergeTests } from '@playwright/test';
import { hasCoturn, testWithCoturn, TURNSERVER } from '../support/coturn';
import {
  expectOneSidedRelayCall,
  expectRelayToRelayCall,
  forEachEnginePair,
  test as crossEngineTest,
} from '../support/cross-engine';

const test = mergeTests(crossEngineTest, testWithCoturn);

test.skip(!hasCoturn, `${TURNSERVER} not found: apt-get install coturn`);
test.skip(
  (process.env.BASE_URL ?? '') !== '',
  'BASE_URL: the deployment uses its own TURN server, not one this run starts',
);

forEachEnginePair(test, (pair) => {
  test('when both hide their IP address the call goes relay to relay through coturn', async ({
    openStrangerIn,
    coturn,
  }) => {
    const a = await openStrangerIn(pair.first, { hideIp: true });
    const b = await openStrangerIn(pair.second, { hideIp: true });
    await expectRelayToRelayCall(a, b, { url: coturn.turnUrl, address: coturn.address });
  });

  test('when the first hides their IP address their media goes through coturn', async ({
    openStrangerIn,
    coturn,
  }) => {
    const a = await openStrangerIn(pair.first, { hideIp: true });
    const b = await openStrangerIn(pair.second, { hideIp: false });
    await expectOneSidedRelayCall(a, b, { url: coturn.turnUrl, address: coturn.address });
  });
});
