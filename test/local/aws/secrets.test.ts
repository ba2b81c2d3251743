import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalSecretsManager } from '#local/aws/secrets/service';
import { fileStore } from '#local/aws/shared/json-store';
import { ManualClock } from '#local/clock';

const credentials = JSON.stringify({
  host: 'db.synthetic',
  port: 5432,
  username: 'dms',
  password: 'secret',
  dbname: 'orders',
});

describe('LocalSecretsManager', () => {
  it('creates a secret with a real-form ARN and reads it by name, full ARN and partial ARN', async () => {
    // Prepare
    const secrets = new LocalSecretsManager({ clock: new ManualClock() });

    // Act
    const created = (await secrets.handle('CreateSecret', {
      Name: 'lakeshift/orders',
      SecretString: credentials,
    })) as {
      ARN: string;
      Name: string;
    };
    const byName = (await secrets.handle('GetSecretValue', { SecretId: 'lakeshift/orders' })) as {
      SecretString: string;
    };
    const byArn = (await secrets.handle('GetSecretValue', { SecretId: created.ARN })) as {
      SecretString: string;
    };
    const byPartialArn = (await secrets.handle('GetSecretValue', { SecretId: created.ARN.slice(0, -7) })) as {
      SecretString: string;
    };

    // Assess
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:lakeshift\/orders-[A-Za-z0-9]{6}$/,
    );
    expect([byName.SecretString, byArn.SecretString, byPartialArn.SecretString]).toEqual([
      credentials,
      credentials,
      credentials,
    ]);
  });

  it('moves AWSCURRENT to a new version on PutSecretValue and keeps the old one as AWSPREVIOUS', async () => {
    // Prepare
    const secrets = new LocalSecretsManager({ clock: new ManualClock() });
    await secrets.handle('CreateSecret', { Name: 'orders', SecretString: 'v1' });

    // Act
    await secrets.handle('PutSecretValue', { SecretId: 'orders', SecretString: 'v2' });
    const current = (await secrets.handle('GetSecretValue', { SecretId: 'orders' })) as {
      SecretString: string;
    };
    const previous = (await secrets.handle('GetSecretValue', {
      SecretId: 'orders',
      VersionStage: 'AWSPREVIOUS',
    })) as {
      SecretString: string;
    };
    const described = (await secrets.handle('DescribeSecret', { SecretId: 'orders' })) as {
      VersionIdsToStages: Record<string, string[]>;
    };

    // Assess
    expect(current.SecretString).toBe('v2');
    expect(previous.SecretString).toBe('v1');
    expect(Object.values(described.VersionIdsToStages).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
  });

  it('fails as Secrets Manager does for duplicates, unknown secrets and bad names', async () => {
    // Prepare
    const secrets = new LocalSecretsManager({ clock: new ManualClock() });
    await secrets.handle('CreateSecret', { Name: 'orders', SecretString: 'v1' });

    // Act + Assess
    await expect(
      secrets.handle('CreateSecret', { Name: 'orders', SecretString: 'v1' }),
    ).rejects.toMatchObject({
      type: 'ResourceExistsException',
    });
    await expect(secrets.handle('GetSecretValue', { SecretId: 'missing' })).rejects.toMatchObject({
      type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
    await expect(
      secrets.handle('CreateSecret', { Name: 'bad name!', SecretString: 'x' }),
    ).rejects.toMatchObject({
      type: 'InvalidParameterException',
    });
    await expect(secrets.handle('CreateSecret', {})).rejects.toThrow(
      "at 'Name' failed to satisfy constraint",
    );
  });

  it('keeps secrets across a restart when given a state file', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    try {
      const store = fileStore<never>(join(dir, 'secrets.json'));
      const first = new LocalSecretsManager({ clock: new ManualClock(), store });
      const arn = first.createSecretDirect('orders', credentials);

      // Act
      const second = new LocalSecretsManager({
        clock: new ManualClock(),
        store: fileStore(join(dir, 'secrets.json')),
      });

      // Assess
      expect(second.resolveSecretString(arn)).toBe(credentials);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
