import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { invokeHandler } from '#test/lambda-context';
import { usePostgres } from '#test/postgres';
import { secretArnFor } from '../domain/request/fixtures.ts';
import { NOW, requestFor, useHandlerWorld } from './fixtures.ts';

useHandlerWorld();
const postgres = usePostgres();
const secrets = mockClient(SecretsManagerClient);
const CA_SECRET_ARN = secretArnFor('source-ca');

beforeEach(() => {
  secrets.reset();
});

/** A request for one verify-full database on the test server, whose CA certificate `caCertificate` names. */
const verifyFullRequest = async (migrationId: string, caCertificate: object) => {
  const db = await postgres.createDatabase('inspect');
  const client = await db.connect();
  await client.query(
    "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'note')",
  );
  const request = requestFor(migrationId);
  const [database] = request['databases'] as Record<string, unknown>[];
  Object.assign(database ?? {}, { databaseName: db.name, sslMode: 'verify-full', caCertificate });
  secrets.on(GetSecretValueCommand, { SecretId: secretArnFor('orders') }).resolves({
    SecretString: JSON.stringify({ host: db.host, port: db.port, username: db.user, password: db.password }),
  });
  secrets
    .on(GetSecretValueCommand, { SecretId: CA_SECRET_ARN })
    .resolves({ SecretString: postgres.server().caCertificatePem });
  return request;
};

describe('Handler: inspect-source', () => {
  it("checks a verify-full source against the request's CA certificate from a secret, and inspects it", async () => {
    // Prepare
    const request = await verifyFullRequest('inspect-ca', { secretArn: CA_SECRET_ARN });

    // Act
    const inspection = await invokeHandler('inspect-source', { request, databaseId: 'orders', now: NOW });

    // Assess
    expect(inspection).toMatchObject({ columnsInspected: 2 });
    expect(inspection).not.toHaveProperty('notInspected');
  });

  it('cannot check a verify-full source against a CA only DMS holds, and says so in a warning', async () => {
    // Prepare
    const request = await verifyFullRequest('inspect-dms-ca', {
      certificateArn: 'arn:aws:dms:us-east-1:123456789012:cert:SOURCECA',
    });

    // Act
    const inspection = await invokeHandler('inspect-source', { request, databaseId: 'orders', now: NOW });

    // Assess: the server's private CA is not among the system's, so the pre-flight cannot verify it.
    expect(inspection).toMatchObject({
      columnsInspected: 0,
      notInspected: expect.stringContaining('caCertificate.certificateArn'),
    });
  });
});
