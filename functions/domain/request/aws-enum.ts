import * as z from 'zod';

/** `sse-kms` is also written `SSE_KMS` in the DMS user guide; both spellings are accepted. */
const guideSpelling = (value: string): string => value.toUpperCase().replaceAll('-', '_');

/**
 * An enum of DMS API values (lower-case, hyphenated) that also accepts the user guide's upper-case spelling and
 * normalises to the API spelling, which is what the SDK types expect.
 */
export const awsEnum = <const Values extends readonly [string, ...string[]]>(values: Values) => {
  const byAnySpelling = new Map<string, Values[number]>();
  for (const value of values) {
    byAnySpelling.set(value, value);
    byAnySpelling.set(guideSpelling(value), value);
  }
  const [first, ...rest] = [...byAnySpelling.keys()];
  return z
    .enum([first ?? values[0], ...rest])
    .transform((spelling): Values[number] => byAnySpelling.get(spelling) ?? values[0]);
};
