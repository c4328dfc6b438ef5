/**
 * What the person asked for at Start, as the server hears it with every `start`: nickname,
 * interests and languages, normalized once (empty lists are no preference), and the name our own
 * chat lines go under. Kept in memory for the session; "Hide my IP address" is the view's.
 */
import type { StartRequest } from '@mayfly/protocol';

export interface StartOptions {
  nickname?: string | undefined;
  interests?: string[] | undefined;
  /** Languages the person speaks (primary subtags), up to the protocol's limit. */
  languages?: string[] | undefined;
  /** Meet only strangers who speak one of `languages`. */
  languagesOnly?: boolean | undefined;
  relayOnly: boolean;
  /** Blur each new stranger's video until it is revealed; unset keeps the current setting. */
  safeStart?: boolean | undefined;
}

export class SearchProfile {
  readonly nickname: string | undefined;
  readonly #interests: string[] | undefined;
  readonly #languages: string[] | undefined;
  readonly #languagesOnly: boolean;

  constructor(options: Omit<StartOptions, 'relayOnly'> = {}) {
    this.nickname = options.nickname;
    this.#interests = options.interests?.length === 0 ? undefined : options.interests;
    this.#languages = options.languages?.length === 0 ? undefined : options.languages;
    this.#languagesOnly = this.#languages !== undefined && options.languagesOnly === true;
  }

  /** The languages asked for; empty when any will do. */
  get languages(): readonly string[] {
    return this.#languages ?? [];
  }

  request(relayOnly: boolean): StartRequest {
    return {
      ...(this.nickname === undefined ? {} : { nickname: this.nickname }),
      ...(this.#interests === undefined ? {} : { interests: this.#interests }),
      ...(this.#languages === undefined ? {} : { languages: this.#languages }),
      ...(this.#languagesOnly ? { languagesOnly: true } : {}),
      relayOnly,
    };
  }
}
