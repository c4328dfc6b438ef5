/**
 * An option has a bad value; `option` names it so that whoever set it can
 * find it. The one shape of option errors in Mayfly: the TURN library's own
 * and the service configuration's (server/src/config.ts) extend it.
 */
export class OptionError extends RangeError {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = new.target.name;
  }
}

/** A TURN library option (an argument of startEmbeddedTurn, renderCoturnConfig...) is bad. */
export class TurnOptionError extends OptionError {}

export const TurnStartErrorCode = {
  /** Another embedded server of this process holds the port and is not closing. */
  AlreadyRunning: 'already-running',
  /** Some other socket (maybe another process) holds the port. */
  AddressInUse: 'address-in-use',
  /** Binding failed for another reason (address not on this host, permission...). */
  BindFailed: 'bind-failed',
} as const;
export type TurnStartErrorCode = (typeof TurnStartErrorCode)[keyof typeof TurnStartErrorCode];

export class TurnStartError extends Error {
  constructor(
    readonly code: TurnStartErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TurnStartError';
  }
}
