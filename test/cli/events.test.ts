import { describe, expect, it } from 'vitest';
import type { StackConnection } from '#cli/connection';
import { sendLakeshiftEvent } from '#cli/events';
import { LAKESHIFT_DETAIL_TYPES } from '#contracts/events';

describe('sendLakeshiftEvent', () => {
  it('refuses an event EventBridge would refuse for its size, naming the size and the remedy, and sends nothing', async () => {
    // Prepare: an endpoint nothing listens on, so any request sent would fail otherwise.
    const connection: StackConnection = {
      stackName: 'lakeshift',
      eventBusName: 'lakeshift',
      registryTableName: 'lakeshift-registry',
      outputs: {},
      config: {
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      },
    };
    const databases = Array.from({ length: 3000 }, (_, index) => ({
      id: `database-${index}`,
      pad: 'x'.repeat(80),
    }));

    // Act
    const attempt = sendLakeshiftEvent(connection, LAKESHIFT_DETAIL_TYPES.migrationRequested, {
      migrationId: 'big',
      databases,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'SendEventError',
      message: expect.stringMatching(
        /^Migration Requested would be \d+ bytes, and EventBridge takes less than 262144: split the databases into several migrations$/,
      ),
    });
  });
});
