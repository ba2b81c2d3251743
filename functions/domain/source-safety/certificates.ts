/**
 * The CA certificate lakeshift imports into DMS for a verify-ca/verify-full source: named by its content, so the
 * same PEM always has the same identifier (a retry or another database with the same CA adopts it) and a different
 * PEM never takes an existing name.
 */
import { createHash } from 'node:crypto';
import { APP_NAME } from '#contracts/names';

/** The PEM without the whitespace differences that do not change the certificate. */
export const normalizePem = (pem: string): string =>
  pem
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');

/** DMS certificate identifiers: a letter first, letters, digits and hyphens, at most 255 characters. */
export const certificateIdentifierFor = (pem: string): string =>
  `${APP_NAME}-ca-${createHash('sha256').update(normalizePem(pem)).digest('hex').slice(0, 32)}`;
