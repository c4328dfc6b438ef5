/** An option has a bad value; `option` names it so a config layer can point at its source. */
export class TurnOptionError extends RangeError {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'TurnOptionError';
  }
}

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
