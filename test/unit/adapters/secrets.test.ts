import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { getPostgresCredentials, parsePostgresSecret } from '#adapters/secrets';

const secretsManager = mockClient(SecretsManagerClient);

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf';

beforeEach(() => {
  secretsManager.reset();
});

describe('secrets adapter', () => {
  describe('getPostgresCredentials', () => {
    it('reads the RDS secret layout into connection details', async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
        SecretString: JSON.stringify({
          engine: 'postgres',
          host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
          port: 5432,
          username: 'dms',
          password: 's3cret!',
          dbname: 'orders',
        }),
      });

      // Act
      const credentials = await getPostgresCredentials(SECRET_ARN);

      // Assess
      expect(credentials).toEqual({
        host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
        port: 5432,
        username: 'dms',
        password: 's3cret!',
        dbname: 'orders',
      });
    });

    it('maps a missing secret to ResourceNotFound', async () => {
      // Prepare
      secretsManager
        .on(GetSecretValueCommand)
        .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException', $metadata: {} }));

      // Act
      const attempt = getPostgresCredentials(SECRET_ARN);

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: 'ResourceNotFound' });
    });
  });

  describe('parsePostgresSecret', () => {
    it('accepts a port given as a string and a secret without dbname', () => {
      // Act
      const credentials = parsePostgresSecret(
        SECRET_ARN,
        '{"host":"db.internal","port":"6432","username":"dms","password":"pw"}',
      );

      // Assess
      expect(credentials).toEqual({ host: 'db.internal', port: 6432, username: 'dms', password: 'pw' });
    });

    it('defaults the port to 5432', () => {
      // Act
      const credentials = parsePostgresSecret(SECRET_ARN, '{"host":"h","username":"u","password":"p"}');

      // Assess
      expect(credentials.port).toBe(5432);
    });

    it('names every broken field and never repeats a value', () => {
      // Act
      const parse = () => parsePostgresSecret(SECRET_ARN, '{"host":"","port":70000,"password":"hunter2"}');

      // Assess
      expect(parse).toThrow(
        `secret ${SECRET_ARN}: host must be a non-empty string; username must be a non-empty string; port must be an integer between 1 and 65535`,
      );
      expect(parse).not.toThrow(/hunter2/);
    });

    it('rejects a secret that is not a JSON object', () => {
      // Act
      const parse = () => parsePostgresSecret(SECRET_ARN, 'user:password@host');

      // Assess
      expect(parse).toThrow(
        expect.objectContaining({
          name: 'InvalidHandlerInput',
          message: `secret ${SECRET_ARN}: SecretString must be a JSON object`,
        }),
      );
    });
  });
});
