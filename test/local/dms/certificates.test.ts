import {
  CreateEndpointCommand,
  DeleteCertificateCommand,
  DescribeCertificatesCommand,
  ImportCertificateCommand,
} from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { generateServerCertificate } from '#local/postgres/tls';
import { type Harness, startHarness } from './support/harness.ts';

let harness: Harness;
afterEach(async () => {
  await harness.close();
});

const verifyFullSource = (identifier: string, certificateArn?: string) =>
  new CreateEndpointCommand({
    EndpointIdentifier: identifier,
    EndpointType: 'source',
    EngineName: 'postgres',
    ServerName: 'db.internal',
    Port: 5432,
    Username: 'dms',
    Password: 'pw',
    DatabaseName: 'orders',
    SslMode: 'verify-full',
    ...(certificateArn === undefined ? {} : { CertificateArn: certificateArn }),
  });

describe('Certificates', () => {
  it('imports a PEM once by identifier, and describes it by identifier', async () => {
    // Prepare
    harness = await startHarness();
    const { certificatePem } = await generateServerCertificate();

    // Act
    const imported = await harness.client.send(
      new ImportCertificateCommand({ CertificateIdentifier: 'source-ca', CertificatePem: certificatePem }),
    );
    const again = await harness.client
      .send(
        new ImportCertificateCommand({ CertificateIdentifier: 'source-ca', CertificatePem: certificatePem }),
      )
      .catch((error: unknown) => error);
    const described = await harness.client.send(
      new DescribeCertificatesCommand({ Filters: [{ Name: 'certificate-id', Values: ['source-ca'] }] }),
    );

    // Assess
    expect(imported.Certificate?.CertificateArn).toMatch(/^arn:aws:dms:us-east-1:000000000000:cert:/);
    expect(again).toMatchObject({ name: 'ResourceAlreadyExistsFault' });
    expect(described.Certificates?.map((certificate) => certificate.CertificatePem)).toEqual([
      certificatePem,
    ]);
  });

  it('refuses a verify-full source endpoint without a certificate, and a certificate in use', async () => {
    // Prepare
    harness = await startHarness();
    const { certificatePem } = await generateServerCertificate();
    const imported = await harness.client.send(
      new ImportCertificateCommand({ CertificateIdentifier: 'source-ca', CertificatePem: certificatePem }),
    );
    const arn = imported.Certificate?.CertificateArn ?? '';

    // Act
    const without = await harness.client.send(verifyFullSource('no-ca')).catch((error: unknown) => error);
    const created = await harness.client.send(verifyFullSource('with-ca', arn));
    const deleteInUse = await harness.client
      .send(new DeleteCertificateCommand({ CertificateArn: arn }))
      .catch((error: unknown) => error);

    // Assess
    expect(without).toMatchObject({
      name: 'InvalidParameterCombinationException',
      message: expect.stringContaining('SslMode verify-full requires a CertificateArn'),
    });
    expect(created.Endpoint?.CertificateArn).toBe(arn);
    expect(deleteInUse).toMatchObject({ name: 'InvalidResourceStateFault' });
  });
});
