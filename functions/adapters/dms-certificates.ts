/**
 * DMS certificates for verify-ca/verify-full sources: importing one under its content-derived identifier (adopting
 * an existing one with the same content), reading one back, and deleting one no endpoint uses any more.
 */
import type { Certificate, Tag } from '@aws-sdk/client-database-migration-service';
import { ForeignResourceError, ResourceBusyError } from '#contracts/errors';
import { certificateIdentifierFor, normalizePem } from '#domain/source-safety/certificates';
import { sendDms } from './dms-call.ts';
import { isFault } from './faults.ts';
import { undefinedWhenNotFound } from './responses.ts';
import { dmsCall } from './retry.ts';

const firstCertificate = (name: string, value: string): Promise<Certificate | undefined> =>
  undefinedWhenNotFound(
    dmsCall('DescribeCertificates', () =>
      sendDms('DescribeCertificates', { Filters: [{ Name: name, Values: [value] }] }),
    ).then((output) => output.Certificates?.[0]),
  );

export const findCertificateByArn = (arn: string): Promise<Certificate | undefined> =>
  firstCertificate('certificate-arn', arn);

const ALREADY_EXISTS = Symbol('ResourceAlreadyExistsFault');

/** The certificate's ARN: imported now, or the existing one with the same identifier and the same PEM. */
export const importCaCertificate = async (
  pem: string,
  tags: readonly Tag[],
): Promise<{ readonly arn: string; readonly imported: boolean }> => {
  const identifier = certificateIdentifierFor(pem);
  const output = await dmsCall('ImportCertificate', async () => {
    try {
      return await sendDms('ImportCertificate', {
        CertificateIdentifier: identifier,
        CertificatePem: pem,
        Tags: [...tags],
      });
    } catch (error) {
      // Caught inside the attempt: an existing certificate is an answer here, not a fault to classify.
      if (isFault(error, 'ResourceAlreadyExistsFault')) return ALREADY_EXISTS;
      throw error;
    }
  });
  if (output !== ALREADY_EXISTS && output.Certificate?.CertificateArn) {
    return { arn: output.Certificate.CertificateArn, imported: true };
  }
  const existing = await firstCertificate('certificate-id', identifier);
  if (!existing?.CertificateArn)
    throw new ResourceBusyError(`certificate "${identifier}" exists but cannot be described yet`);
  if (normalizePem(existing.CertificatePem ?? '') !== normalizePem(pem)) {
    throw new ForeignResourceError(
      `certificate "${identifier}" (${existing.CertificateArn}) already exists with different content`,
    );
  }
  return { arn: existing.CertificateArn, imported: false };
};

/** Deletes the certificate unless an endpoint still uses it; one already gone is done. */
export const deleteCertificateIfUnused = async (arn: string): Promise<'deleted' | 'in-use' | 'gone'> => {
  try {
    await dmsCall('DeleteCertificate', () => sendDms('DeleteCertificate', { CertificateArn: arn }));
    return 'deleted';
  } catch (error) {
    if (isFault(error, 'InvalidResourceStateFault') || error instanceof ResourceBusyError) return 'in-use';
    if (
      isFault(error, 'ResourceNotFoundFault') ||
      (error instanceof Error && error.name === 'ResourceNotFound')
    )
      return 'gone';
    throw error;
  }
};
