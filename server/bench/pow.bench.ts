/**
 * What proof of work costs the server: creating a challenge, and deciding on a handshake with
 * a good solution, a wrong one, none at all, and a replayed one. In-process, no network.
 * Prints µs per operation; asserts nothing.
 *
 *   npm run bench:pow -w server [-- --runs 20000]
 */
import { parseArgs } from 'node:util';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { systemClock, type HandshakeAuth } from '@mayfly/protocol';
import { parseConfig } from '../src/config.js';
import { ProofOfWork } from '../src/proof-of-work.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20000' } } });
const RUNS = Number(values.runs);

// The difficulty does not change what a check costs (two HMACs); a small one keeps setup short.
const config = parseConfig({ POW: 'on', POW_DIFFICULTY: '1000', TURN_MODE: 'off' });
const pow = new ProofOfWork(config.pow, { clock: systemClock });

async function solved(): Promise<HandshakeAuth> {
  const challenge = pow.challenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (solution === null) throw new Error('unsolved');
  return {
    pow: { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } },
  };
}

async function measure(
  label: string,
  inputs: readonly unknown[],
  run: (input: unknown) => Promise<unknown>,
): Promise<void> {
  for (const input of inputs.slice(0, Math.min(200, inputs.length))) await run(input); // warm-up
  const started = process.hrtime.bigint();
  for (const input of inputs) await run(input);
  const micros = Number(process.hrtime.bigint() - started) / 1000 / inputs.length;
  console.log(`${label.padEnd(44)} ${micros.toFixed(1).padStart(7)} µs`);
}

// One at a time: thousands of solvers interleaved would run into altcha-lib's 90 s timeout.
const good: HandshakeAuth[] = [];
for (let i = 0; i < RUNS + 200; i++) good.push(await solved());
const wrong = good.map((auth) => ({
  pow: { ...auth.pow, solution: { counter: 1, derivedKey: '00'.repeat(32) } },
}));

console.log(`proof of work, server side, ${RUNS} runs each (Node ${process.version}):`);
await measure('create a challenge (GET /pow-challenge body)', Array.from({ length: RUNS }), () =>
  Promise.resolve(pow.challenge()),
);
await measure('handshake without a solution (refused)', Array.from({ length: RUNS }), () =>
  pow.admit({}),
);
await measure('handshake with a wrong solution (refused)', wrong, (auth) => pow.admit(auth));
await measure('handshake with a good solution (verified)', good, (auth) => pow.admit(auth));
await measure('the same solution again (replay refused)', good, (auth) => pow.admit(auth));
