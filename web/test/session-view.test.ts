import { describe, expect, it } from 'vitest';
import { isInChat, type Phase } from '../src/lib/session/session-view';

describe('isInChat', () => {
  it('holds from the match until Next or Stop, whether or not the stranger connected', () => {
    const inChat: Phase[] = ['connecting', 'connected', 'partner-left', 'failed'];
    for (const phase of inChat) expect(isInChat(phase), phase).toBe(true);
  });

  it('does not hold before a stranger is found', () => {
    const before: Phase[] = ['idle', 'requesting-media', 'waiting'];
    for (const phase of before) expect(isInChat(phase), phase).toBe(false);
  });
});
