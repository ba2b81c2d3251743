/** Failures of a data-plane run, carrying the DMS stop reason the emulator reports for them. */

export type FailureStopReason = 'RECOVERABLE_ERROR' | 'FATAL_ERROR';

/** The task cannot go on; `stopReason` tells the emulator whether DMS would retry it. */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  constructor(
    message: string,
    readonly stopReason: FailureStopReason,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An endpoint or task setting the data plane cannot honour; the message names the field and the rule. */
export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
}

/** The source refused the TLS its endpoint's `SslMode` asks for; the message names the mode. */
export class SourceTlsError extends Error {
  override readonly name = 'SourceTlsError';
}

/** A LOB value longer than `LobMaxSize` while `FailTasksOnLobTruncation` is on. */
export class LobTruncationError extends Error {
  override readonly name = 'LobTruncationError';
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
