import { describe, expect, it } from 'vitest';
import { quotaNeeds, quotaShortfalls } from '#domain/request/dms-quotas';

const ARNS = {
  instanceArn: 'arn:aws:dms:us-east-1:123456789012:rep:I',
  sourceEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:S',
  targetEndpointArn: 'arn:aws:dms:us-east-1:123456789012:endpoint:T',
  taskArn: 'arn:aws:dms:us-east-1:123456789012:task:K',
};

describe('quotaNeeds', () => {
  it('counts what each started database creates, and nothing for resources a failed attempt kept', () => {
    // Act
    const needs = quotaNeeds([
      { allocatedStorageGb: 100 },
      { allocatedStorageGb: 200, item: {} },
      { allocatedStorageGb: 300, item: ARNS },
      { allocatedStorageGb: 400, item: { instanceArn: ARNS.instanceArn } },
    ]);

    // Assess: a new database, a re-run after teardown (no ARNs left), a retry that adopts everything, and a retry
    // that failed before its endpoints and task existed.
    expect(needs).toEqual({
      ReplicationInstances: 2,
      AllocatedStorage: 300,
      Endpoints: 6,
      ReplicationTasks: 3,
    });
  });
});

describe('quotaShortfalls', () => {
  it('reports only the quotas the needs pass, and skips a quota DMS does not list', () => {
    // Prepare
    const needs = { ReplicationInstances: 3, AllocatedStorage: 300, Endpoints: 6, ReplicationTasks: 3 };

    // Act
    const shortfalls = quotaShortfalls(needs, [
      { AccountQuotaName: 'ReplicationInstances', Used: 57, Max: 60 },
      { AccountQuotaName: 'AllocatedStorage', Used: 29_701, Max: 30_000 },
      { AccountQuotaName: 'Endpoints', Used: 994, Max: 1000 },
    ]);

    // Assess: 57 + 3 fits exactly; tasks are not listed, so not checked.
    expect(shortfalls).toEqual([{ quota: 'AllocatedStorage', needed: 300, used: 29_701, max: 30_000 }]);
  });
});
