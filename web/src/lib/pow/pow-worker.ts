/**
 * The proof-of-work Web Worker: solves one challenge off the main thread, so the page stays
 * responsive while "Checking your browser…" shows. Bundled by Vite as a file of our own origin,
 * which the page's CSP (`worker-src 'self'`) allows.
 */
import { answerSolveRequest, type SolveReply, type SolveRequest } from './solver';

// The DOM typings describe a window; inside a worker these two are all there is to use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<SolveRequest>) => void) | null;
  postMessage(reply: SolveReply): void;
};

scope.onmessage = (event) => {
  scope.postMessage(answerSolveRequest(event.data, () => performance.now()));
};
