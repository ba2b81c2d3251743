import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { caBundlePem } from '#adapters/ca-bundles';
import { ERROR_NAMES } from '#contracts/errors';
import { certificateIdentifierFor } from '#domain/source-safety/certificates';

/** The certificates of a PEM bundle, one X509Certificate each. */
const certificatesOf = (pem: string): X509Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block),
  );

describe('Function: caBundlePem', () => {
  it('gives the Amazon RDS root CAs valid at the time, and nothing but them', () => {
    // Prepare
    const now = new Date('2026-03-01T12:00:00Z');
    // Act
    const certificates = certificatesOf(caBundlePem('rds-global', now));
    // Assess
    expect(certificates.length).toBeGreaterThan(20);
    for (const certificate of certificates) {
      expect(certificate.subject).toContain('OU=Amazon RDS');
      expect(certificate.ca).toBe(true);
      expect(Date.parse(certificate.validTo)).toBeGreaterThan(now.getTime());
    }
    expect(certificates.map((certificate) => certificate.subject)).toContainEqual(
      expect.stringContaining('CN=Amazon RDS us-east-1 Root CA RSA2048 G1'),
    );
  });

  it('leaves out the CAs that expired, so the bundle and its identifier change only when one does', () => {
    // Prepare: the 2019 RDS CAs expired in 2024.
    const before = new Date('2023-06-01T00:00:00Z');
    const after = new Date('2026-03-01T12:00:00Z');
    // Act
    const older = caBundlePem('rds-global', before);
    const newer = caBundlePem('rds-global', after);
    const again = caBundlePem('rds-global', new Date('2026-03-02T12:00:00Z'));
    // Assess
    expect(certificatesOf(older).length).toBeGreaterThan(certificatesOf(newer).length);
    expect(certificatesOf(older).map((certificate) => certificate.subject)).toContainEqual(
      expect.stringContaining('CN=Amazon RDS Root 2019 CA'),
    );
    expect(certificateIdentifierFor(again)).toBe(certificateIdentifierFor(newer));
    expect(certificateIdentifierFor(older)).not.toBe(certificateIdentifierFor(newer));
  });

  it('refuses a bundle whose certificates have all expired, naming the field and what to do', () => {
    // Act
    const attempt = () => caBundlePem('rds-global', new Date('2200-01-01T00:00:00Z'));
    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({
        name: ERROR_NAMES.invalidRequest,
        message: expect.stringContaining(
          'caCertificate.bundle: every certificate of "rds-global" has expired',
        ),
      }),
    );
  });
});
