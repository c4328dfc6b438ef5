/**
 * A relayed call through the embedded TURN server lasts. node-turn 0.0.6 as published killed
 * such calls at about 75 s (ChannelBind answers Chrome refused, retried for ~40 s, then the
 * TURN entry was dropped) and lost allocations on their first Refresh. With a 30 s allocation
 * lifetime Chrome refreshes every ~15 s, so 95 s of video spans six refreshes and the end of
 * Chrome's ChannelBind retry window.
 */
import { expect, test, meet } from '../support/fixtures';
import {
  expectRelayOnlyCall,
  expectStrangerVideo,
  expectVideoKeepsFlowing,
  nearestCameraColour,
  remoteVideoColour,
  selectedCandidateType,
} from '../support/media';
import { relayServerEnv } from '../support/server';

test.use({ serverEnv: { ...relayServerEnv(), TURN_ALLOCATION_LIFETIME_SECONDS: '30' } });

const CALL_SECONDS = 95;

test(`a call between two who hide their IP address keeps its video through the relay for ${CALL_SECONDS} s`, async ({
  openStranger,
}) => {
  // The call itself takes CALL_SECONDS; meeting, checks and the closing messages take ~15 s.
  test.setTimeout((CALL_SECONDS + 60) * 1000);
  const a = await openStranger({ hideIp: true });
  const b = await openStranger({ hideIp: true });
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  await expectRelayOnlyCall([a, b]);

  await expectVideoKeepsFlowing([a, b], { durationMs: CALL_SECONDS * 1000 });

  for (const [stranger, other] of [
    [a, b],
    [b, a],
  ] as const) {
    expect(nearestCameraColour(await remoteVideoColour(stranger.page)), stranger.label).toBe(
      other.colour,
    );
    expect(await selectedCandidateType(stranger.page), stranger.label).toBe('relay');
  }
  // Still relay only: nothing revealed by a renegotiation or ICE restart during the call.
  await expectRelayOnlyCall([a, b]);
  await a.sendMessage(`still here after ${CALL_SECONDS} s`);
  await expect(b.chatLog).toContainText(`still here after ${CALL_SECONDS} s`);
  await b.sendMessage('me too');
  await expect(a.chatLog).toContainText('me too');
});
