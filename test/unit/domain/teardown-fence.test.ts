import { describe, expect, it } from 'vitest';
import { executionsOfDatabase } from '#domain/teardown-fence';

const execution = (name: string) => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:lakeshift-migrate-database:${name}`,
  name,
});

describe('executionsOfDatabase', () => {
  it('picks the executions named for the database, with or without a suffix, and the lock holder, never the teardown', () => {
    // Prepare
    const own = execution('shop-orders-db-1a2b3c4d');
    const attempt = execution('shop-orders-db-1a2b3c4d-a2');
    const other = execution('shop-billing-db-9f8e7d6c');
    const resize = {
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:lakeshift-resize-instance:4f1c',
      name: '4f1c',
    };
    const teardown = execution('shop-orders-db-1a2b3c4d_teardown');
    // Act
    const picked = executionsOfDatabase([own, attempt, other, resize, teardown], {
      executionName: 'shop-orders-db-1a2b3c4d',
      lockExecutionArn: resize.executionArn,
      except: teardown.executionArn,
    });
    // Assess
    expect(picked).toEqual([own, attempt, resize]);
  });
});

describe('executionsOfDatabase with table resyncs', () => {
  it('picks the resync executions the table locks recorded, and no other resync', () => {
    // Prepare
    const resyncOf = (name: string) => ({
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:lakeshift-resync-table:${name}`,
      name,
    });
    const locked = resyncOf('7a1b');
    const elsewhere = resyncOf('9c2d');
    // Act
    const picked = executionsOfDatabase([locked, elsewhere], {
      executionName: 'shop-orders-db-1a2b3c4d',
      resyncExecutionArns: [locked.executionArn],
      except: 'arn:aws:states:us-east-1:123456789012:execution:lakeshift-teardown:t',
    });
    // Assess
    expect(picked).toEqual([locked]);
  });
});
