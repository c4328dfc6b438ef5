import { inMemoryMatching } from '../src/matching/index.js';
import { describeMatchingBackend } from './matching-behaviour.js';

describeMatchingBackend('in memory', async (options, clock) => ({
  backend: inMemoryMatching(options, clock),
  cleanup: async () => undefined,
}));
