/**
 * The CA certificate a verify-ca/verify-full source is checked against, read from where the request names it: a
 * bundle lakeshift ships or a PEM kept in a secret (docs/source-safety.md). ensure-endpoints imports it into DMS;
 * the pre-flight, which connects before any DMS resource exists, trusts it. A certificate already in DMS is read
 * only by ensure-endpoints, outside the sources' networks, where the DMS API is reached.
 */
import type { CaCertificateSource } from '#domain/planner/plan';
import { caBundlePem } from './ca-bundles.ts';
import { getSecretString } from './secrets.ts';

/** A CA certificate that is not already in DMS: a bundle lakeshift ships, or a PEM kept in a secret. */
export type CaOutsideDms = Exclude<CaCertificateSource, { readonly certificateArn: string }>;

export const caPemOf = (ca: CaOutsideDms, now: Date): Promise<string> =>
  'bundle' in ca ? Promise.resolve(caBundlePem(ca.bundle, now)) : getSecretString(ca.secretArn);

/** The PEM of `ca` when it can be read without the DMS API; undefined for none, or a certificate in DMS. */
export const caPemWithoutDms = async (
  ca: CaCertificateSource | undefined,
  now: Date,
): Promise<string | undefined> => (ca === undefined || 'certificateArn' in ca ? undefined : caPemOf(ca, now));
