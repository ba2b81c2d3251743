import {
  DatabaseMigrationServiceClient,
  DescribeAccountAttributesCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StackConnection } from '#cli/connection';
import { quotaWarningsFor } from '#cli/quotas';
import type { RegistryItem } from '#domain/registry-item';
import { planFor } from '../unit/handlers/fixtures.ts';

const dms = mockClient(DatabaseMigrationServiceClient);
const connection: StackConnection = {
  stackName: 'lakeshift',
  eventBusName: 'lakeshift',
  registryTableName: 'lakeshift-registry',
  outputs: {},
  config: { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
};

beforeEach(() => {
  dms.reset();
  dms.on(DescribeAccountAttributesCommand).resolves({
    AccountQuotas: [{ AccountQuotaName: 'ReplicationInstances', Used: 59, Max: 60 }],
  });
});

describe('quotaWarningsFor', () => {
  it('warns before sending when the databases the request starts would pass a DMS quota', async () => {
    // Prepare
    const plans = [planFor('cli-quota', 'orders'), planFor('cli-quota', 'billing')];

    // Act
    const warnings = await quotaWarningsFor(connection, plans, []);

    // Assess
    expect(warnings).toEqual([
      expect.stringMatching(
        /^DMS quota ReplicationInstances: the databases this request starts need 2, and the account uses 59 of 60;/,
      ),
    ]);
  });

  it('asks DMS nothing when the request starts no database', async () => {
    // Prepare: the one database is already running.
    const plan = planFor('cli-quota-2', 'orders');
    const running = { databaseId: 'orders', phase: 'CDC', attempt: 1 } as RegistryItem;

    // Act
    const warnings = await quotaWarningsFor(connection, [plan], [running]);

    // Assess
    expect(warnings).toEqual([]);
    expect(dms).not.toHaveReceivedCommand(DescribeAccountAttributesCommand);
  });
});
