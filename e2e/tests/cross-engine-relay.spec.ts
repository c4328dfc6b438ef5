/**
 * "Hide my IP address" with the two strangers in different browser engines (E2E_BROWSERS), on
 * the product's embedded TURN server as relay.spec.ts configures it (with BASE_URL: on the
 * deployment's own TURN server). The same on coturn: cross-engine-coturn.spec.ts; in the
 * default configuration (no TURN_* variable): relay-default-config.spec.ts.
 */
import {
  expectOneSidedRelayCall,
  expectRelayToRelayCall,
  forEachEnginePair,
  test,
} from '../support/cross-engine';
import { relayServerEnv } from '../support/server';

test.use({ serverEnv: relayServerEnv() });

forEachEnginePair(test, (pair) => {
  test('when both hide their IP address the call goes relay to relay', async ({
    openStrangerIn,
  }) => {
    const a = await openStrangerIn(pair.first, { hideIp: true });
    const b = await openStrangerIn(pair.second, { hideIp: true });
    await expectRelayToRelayCall(a, b);
  });

  test('when the first hides their IP address their media goes through the relay', async ({
    openStrangerIn,
  }) => {
    const a = await openStrangerIn(pair.first, { hideIp: true });
    const b = await openStrangerIn(pair.second, { hideIp: false });
    await expectOneSidedRelayCall(a, b);
  });
});
