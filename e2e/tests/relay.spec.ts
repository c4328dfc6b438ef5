/**
 * "Hide my IP address": the call goes through the product's TURN relay and the
 * stranger never learns the address of the one who hid it.
 */
import { expect, test, meet } from '../support/fixtures';
import {
  candidateReport,
  expectStrangerVideo,
  receivedCandidateTypes,
  selectedCandidateType,
} from '../support/media';
import { relayServerEnv } from '../support/server';

test.use({ serverEnv: relayServerEnv() });

test('with "Hide my IP address" the call goes through the relay', async ({ openStranger }) => {
  const a = await openStranger({ hideIp: true });
  const b = await openStranger({ hideIp: false });
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  await a.sendMessage('sent through the relay');
  await expect(b.chatLog).toContainText('sent through the relay');

  expect(await selectedCandidateType(a.page)).toBe('relay');
  // B never learns A's address: every candidate of A's that reached B is a relay one.
  const seenByB = await candidateReport(b.page);
  expect(seenByB.selected?.remote).toBe('relay');
  expect(new Set(seenByB.remoteTypes)).toEqual(new Set(['relay']));
  // Not only what B's stats list: no candidate line B was ever given names another type.
  const givenToB = await receivedCandidateTypes(b.page);
  expect(givenToB.length).toBeGreaterThan(0);
  expect(new Set(givenToB)).toEqual(new Set(['relay']));
  // The other way round A learns B's addresses: B did not ask to hide them.
  expect(await receivedCandidateTypes(a.page)).toContain('host');
});

test('when both hide their IP address the call goes relay to relay', async ({ openStranger }) => {
  const a = await openStranger({ hideIp: true });
  const b = await openStranger({ hideIp: true });
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);

  for (const stranger of [a, b]) {
    const report = await candidateReport(stranger.page);
    expect(report.selected, stranger.label).toEqual({ local: 'relay', remote: 'relay' });
    expect(new Set(report.remoteTypes), stranger.label).toEqual(new Set(['relay']));
  }
});
