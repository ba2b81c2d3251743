/**
 * Certificates: Import, Describe, Delete. A source endpoint with SslMode verify-ca or verify-full verifies the
 * server against the certificate its `CertificateArn` names, so the data plane receives that PEM as the CA it
 * trusts (docs/source-safety.md).
 */
import { X509Certificate } from 'node:crypto';
import type {
  Certificate,
  DeleteCertificateMessage,
  DeleteCertificateResponse,
  DescribeCertificatesMessage,
  DescribeCertificatesResponse,
  ImportCertificateMessage,
  ImportCertificateResponse,
} from '@aws-sdk/client-database-migration-service';
import type { DmsContext } from '../context.ts';
import { dmsArn } from '../protocol/arn.ts';
import { describePage } from '../protocol/describe.ts';
import {
  invalidParameterValue,
  invalidResourceState,
  resourceAlreadyExists,
  resourceNotFound,
} from '../protocol/errors.ts';
import { normalizeIdentifier } from '../protocol/identifiers.ts';
import { epochSeconds, type Input, type Wire } from '../protocol/wire.ts';
import type { CertificateRecord, StateData } from '../state/records.ts';
import { setTags, validateTags } from './tags.ts';

/** Emulator states saved before certificates existed have none. */
export const certificatesOf = (state: StateData): Record<string, CertificateRecord> => {
  state.certificates ??= {};
  return state.certificates;
};

export const getCertificate = (state: StateData, arn: string): CertificateRecord => {
  const certificate = certificatesOf(state)[arn];
  if (!certificate) throw resourceNotFound(`Certificate ${arn} not found`);
  return certificate;
};

const certificateToApi = (record: CertificateRecord): Wire<Certificate> => {
  const parsed = new X509Certificate(record.pem);
  return {
    CertificateIdentifier: record.identifier,
    CertificateArn: record.arn,
    CertificatePem: record.pem,
    CertificateCreationDate: epochSeconds(record.createdAt),
    CertificateOwner: record.owner,
    ValidFromDate: epochSeconds(Date.parse(parsed.validFrom)),
    ValidToDate: epochSeconds(Date.parse(parsed.validTo)),
    SigningAlgorithm: parsed.publicKey.asymmetricKeyType ?? 'unknown',
    KeyLength: parsed.publicKey.asymmetricKeyDetails?.modulusLength ?? 256,
  };
};

export const importCertificate = (
  ctx: DmsContext,
  input: Input<ImportCertificateMessage, 'CertificateIdentifier'>,
): Wire<ImportCertificateResponse> => {
  const identifier = normalizeIdentifier('CertificateIdentifier', input.CertificateIdentifier);
  const pem = input.CertificatePem;
  if (typeof pem !== 'string' || pem.trim() === '')
    throw invalidParameterValue('CertificatePem is required (CertificateWallet is for Oracle only)');
  try {
    new X509Certificate(pem);
  } catch {
    throw invalidParameterValue('CertificatePem is not a valid PEM-encoded X.509 certificate');
  }
  const tags = validateTags(input.Tags);
  const certificates = certificatesOf(ctx.state);
  if (Object.values(certificates).some((certificate) => certificate.identifier === identifier))
    throw resourceAlreadyExists(`Certificate with identifier ${identifier} already exists`);
  const arn = dmsArn(ctx.config.region, ctx.config.account, 'cert', ctx.nextResourceId());
  const record: CertificateRecord = {
    arn,
    identifier,
    pem,
    owner: ctx.config.account,
    createdAt: ctx.clock.now(),
  };
  certificates[arn] = record;
  setTags(ctx, arn, tags);
  return { Certificate: certificateToApi(record) };
};

export const describeCertificates = (
  ctx: DmsContext,
  input: Wire<DescribeCertificatesMessage>,
): Wire<DescribeCertificatesResponse> => {
  const { items, ...marker } = describePage(
    Object.values(certificatesOf(ctx.state)),
    input,
    {
      fields: {
        'certificate-id': (certificate) => [certificate.identifier],
        'certificate-arn': (certificate) => [certificate.arn],
      },
      caseInsensitive: ['certificate-id'],
      what: 'certificates',
    },
    certificateToApi,
  );
  return { Certificates: items, ...marker };
};

export const deleteCertificate = (
  ctx: DmsContext,
  input: Input<DeleteCertificateMessage, 'CertificateArn'>,
): Wire<DeleteCertificateResponse> => {
  const certificate = getCertificate(ctx.state, input.CertificateArn);
  const user = Object.values(ctx.state.endpoints).find(
    (endpoint) => endpoint.attributes['CertificateArn'] === certificate.arn,
  );
  if (user)
    throw invalidResourceState(
      `Certificate ${certificate.identifier} is in use by endpoint ${user.identifier}`,
    );
  delete certificatesOf(ctx.state)[certificate.arn];
  return { Certificate: certificateToApi(certificate) };
};
