/**
 * The AWS SDK's request and response types as they travel on the wire: awsJson1_1 sends timestamps as epoch seconds,
 * so every `Date` becomes a number. Operation modules type their input and output with these.
 */
export type Wire<T> = T extends Date
  ? number
  : T extends ReadonlyArray<infer Item>
    ? Wire<Item>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Emulated epoch milliseconds → wire epoch seconds (with the fraction DMS shows). */
export const epochSeconds = (ms: number): number => ms / 1000;

/** Wire epoch seconds → emulated epoch milliseconds. */
export const epochMillis = (seconds: number): number => seconds * 1000;

/**
 * A validated request. The SDK types every member as possibly undefined; the emulator checks the operation's required
 * members against the model first, so handlers name them here and read them as present.
 */
export type Input<T, Required extends keyof T = never> = Wire<T> & {
  [K in Required]-?: NonNullable<Wire<T[K]>>;
};
