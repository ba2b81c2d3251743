import {
  CreateEndpointCommand,
  DatabaseMigrationServiceClient,
  DescribeCertificatesCommand,
  ImportCertificateCommand,
  ResourceAlreadyExistsFault,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { caBundlePem } from '#adapters/ca-bundles';
import { certificateIdentifierFor } from '#domain/source-safety/certificates';
import { invokeHandler } from '#test/lambda-context';
import { endpointArnOf, keyOf, NOW, planFor, requestFor, useHandlerWorld } from './fixtures.ts';

const world = useHandlerWorld();
const dms = mockClient(DatabaseMigrationServiceClient);
const CERTIFICATE_ARN = 'arn:aws:dms:us-east-1:123456789012:cert:RDSBUNDLE';

beforeEach(() => {
  dms.reset();
  dms.on(CreateEndpointCommand).callsFake((input: { EndpointType: string }) => ({
    Endpoint: { EndpointArn: endpointArnOf(`orders${input.EndpointType}`) },
  }));
});

/** A verify-full database whose request names the RDS CA bundle. */
const rdsPlan = async (migrationId: string) => {
  const request = requestFor(migrationId);
  const [database] = request['databases'] as Record<string, unknown>[];
  Object.assign(database ?? {}, { sslMode: 'verify-full', caCertificate: { bundle: 'rds-global' } });
  const plan = planFor(migrationId, 'orders', request);
  await world.seed(plan, 'PROVISIONING');
  return plan;
};

describe('Handler: ensure-endpoints with the RDS CA bundle', () => {
  it('imports the bundle under the identifier its content gives, and sets it on the source endpoint', async () => {
    // Prepare
    const plan = await rdsPlan('rds-1');
    const pem = caBundlePem('rds-global', new Date(NOW));
    dms.on(ImportCertificateCommand).resolves({ Certificate: { CertificateArn: CERTIFICATE_ARN } });
    // Act
    await invokeHandler('ensure-endpoints', { ...keyOf(plan), plan, now: NOW });
    // Assess
    expect(plan.source.caCertificate).toEqual({ bundle: 'rds-global' });
    expect(dms).toHaveReceivedCommandWith(ImportCertificateCommand, {
      CertificateIdentifier: certificateIdentifierFor(pem),
      CertificatePem: pem,
    });
    expect(dms).toHaveReceivedCommandWith(CreateEndpointCommand, {
      EndpointType: 'source',
      SslMode: 'verify-full',
      CertificateArn: CERTIFICATE_ARN,
    });
    expect((await world.registry().require(keyOf(plan))).sourceCertificate).toEqual({
      arn: CERTIFICATE_ARN,
      imported: true,
      pem,
    });
  });

  it('adopts the certificate another database already imported with the same bundle', async () => {
    // Prepare
    const plan = await rdsPlan('rds-2');
    const pem = caBundlePem('rds-global', new Date(NOW));
    dms
      .on(ImportCertificateCommand)
      .rejects(new ResourceAlreadyExistsFault({ message: 'exists', $metadata: {} }));
    dms.on(DescribeCertificatesCommand).resolves({
      Certificates: [
        {
          CertificateArn: CERTIFICATE_ARN,
          CertificateIdentifier: certificateIdentifierFor(pem),
          CertificatePem: pem,
        },
      ],
    });
    // Act
    await invokeHandler('ensure-endpoints', { ...keyOf(plan), plan, now: NOW });
    // Assess
    expect(dms).toHaveReceivedCommandWith(DescribeCertificatesCommand, {
      Filters: [{ Name: 'certificate-id', Values: [certificateIdentifierFor(pem)] }],
    });
    expect(dms).toHaveReceivedCommandWith(CreateEndpointCommand, {
      EndpointType: 'source',
      CertificateArn: CERTIFICATE_ARN,
    });
  });
});
