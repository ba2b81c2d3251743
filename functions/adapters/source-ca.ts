/**
 * The CA certificate a verify-ca/verify-full source is checked against, for the pre-flight that connects to the
 * source before any DMS resource exists (docs/source-safety.md). A bundle lakeshift ships and a PEM kept in a secret
 * are read here; a certificate already in DMS is not, because the handlers inside the sources' networks cannot reach
 * the DMS API (ensure-endpoints reads it, outside them, and keeps its PEM in the registry).
 */
import type { CaCertificateSource } from '#domain/planner/plan';
import { caBundlePem } from './ca-bundles.ts';
import { getSecretString } from './secrets.ts';

export const caPemWithoutDms = async (
  ca: CaCertificateSource | undefined,
  now: Date,
): Promise<string | undefined> => {
  if (ca === undefined || 'certificateArn' in ca) return undefined;
  return 'bundle' in ca ? caBundlePem(ca.bundle, now) : getSecretString(ca.secretArn);
};
