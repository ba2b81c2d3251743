import { describe, expect, it } from 'vitest';
import { ManualClock } from '#local/clock';
import { TokenBucket } from '#local/dms/faults/token-bucket';
import { checkMaintenanceWindow, nextWindowStart } from '#local/dms/lifecycle/maintenance-window';
import { recoverableRetryDelayMs } from '#local/dms/lifecycle/task-runner';
import { generateResourceId } from '#local/dms/protocol/arn';
import { normalizeIdentifier } from '#local/dms/protocol/identifiers';
import { operationInput } from '#local/dms/protocol/model';
import { paginate } from '#local/dms/protocol/pagination';
import { defaultTaskSettings, taskBehaviour } from '#local/dms/settings/task-settings';

describe('normalizeIdentifier', () => {
  it('lower-cases a valid identifier', () => {
    // Act
    const identifier = normalizeIdentifier('EndpointIdentifier', 'Sales-DB-1');

    // Assess
    expect(identifier).toBe('sales-db-1');
  });

  it('accepts 63 characters and rejects 64', () => {
    // Assess
    expect(normalizeIdentifier('X', `a${'b'.repeat(62)}`)).toHaveLength(63);
    expect(() => normalizeIdentifier('X', `a${'b'.repeat(63)}`)).toThrow(
      'The parameter X is not a valid identifier',
    );
  });
});

describe('generateResourceId', () => {
  it('makes 26-character upper-case base32 ids, the same for the same seed and counter', () => {
    // Act
    const first = generateResourceId('seed', 1);
    const again = generateResourceId('seed', 1);
    const next = generateResourceId('seed', 2);

    // Assess
    expect(first).toMatch(/^[A-Z2-7]{26}$/);
    expect(again).toBe(first);
    expect(next).not.toBe(first);
  });
});

describe('maintenance windows', () => {
  it('finds the next window start after now, wrapping to next week', () => {
    // Prepare: Monday 2026-01-05 12:00 UTC.
    const monday = Date.UTC(2026, 0, 5, 12, 0);

    // Act
    const tuesday = nextWindowStart('tue:03:00-tue:03:30', monday);
    const sameDayEarlier = nextWindowStart('mon:06:00-mon:06:30', monday);

    // Assess
    expect(new Date(tuesday).toISOString()).toBe('2026-01-06T03:00:00.000Z');
    expect(new Date(sameDayEarlier).toISOString()).toBe('2026-01-12T06:00:00.000Z');
  });

  it('rejects windows shorter than 30 minutes or badly formed', () => {
    // Assess
    expect(() => checkMaintenanceWindow('sun:06:00-sun:06:10')).toThrow('at least 30 minutes');
    expect(() => checkMaintenanceWindow('sunday 6am')).toThrow('the format is ddd:hh24:mi-ddd:hh24:mi');
    expect(checkMaintenanceWindow('Sat:23:45-Sun:00:15')).toBe('sat:23:45-sun:00:15');
  });
});

describe('TokenBucket', () => {
  it('refills at its rate on the emulated clock, up to its capacity', async () => {
    // Prepare
    const clock = new ManualClock(0);
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 4 }, clock);

    // Act
    const burst = [bucket.take(), bucket.take(), bucket.take()];
    await clock.advance(250);
    const afterQuarter = [bucket.take(), bucket.take()];
    await clock.advance(60_000);
    const afterMinute = [bucket.take(), bucket.take(), bucket.take()];

    // Assess
    expect(burst).toEqual([true, true, false]);
    expect(afterQuarter).toEqual([true, false]);
    expect(afterMinute).toEqual([true, true, false]);
  });
});

describe('recoverableRetryDelayMs', () => {
  it('doubles from RecoverableErrorInterval and gives up past RecoverableErrorThrottlingMax by default', () => {
    // Prepare
    const behaviour = taskBehaviour(defaultTaskSettings());

    // Act
    const delays = Array.from({ length: 11 }, (_, attempt) => recoverableRetryDelayMs(behaviour, attempt));

    // Assess
    expect(delays).toEqual([
      5_000,
      10_000,
      20_000,
      40_000,
      80_000,
      160_000,
      320_000,
      640_000,
      1_280_000,
      undefined,
      undefined,
    ]);
  });

  it('never retries with RecoverableErrorCount 0 and retries at a flat interval without throttling', () => {
    // Prepare
    const base = taskBehaviour(defaultTaskSettings());

    // Act
    const none = recoverableRetryDelayMs({ ...base, recoverableErrorCount: 0 }, 0);
    const flat = recoverableRetryDelayMs({ ...base, recoverableErrorThrottling: false }, 20);

    // Assess
    expect(none).toBeUndefined();
    expect(flat).toBe(5_000);
  });
});

describe('paginate', () => {
  it('accepts the wider range of DescribeTableStatistics', () => {
    // Prepare
    const items = Array.from({ length: 600 }, (_, index) => index);

    // Act
    const page = paginate(items, { MaxRecords: 500 }, { min: 20, max: 500, fallback: 100 });

    // Assess
    expect(page.items).toHaveLength(500);
    expect(paginate(items, { Marker: page.marker }, { min: 20, max: 500, fallback: 100 }).items).toHaveLength(
      100,
    );
  });
});

describe('operationInput', () => {
  it('reads the request shape, required members first, from the SDK model', () => {
    // Act
    const shape = operationInput('CreateReplicationTask');

    // Assess
    expect(shape?.kind).toBe('structure');
    if (shape?.kind !== 'structure') return;
    expect(shape.required).toEqual([
      'ReplicationTaskIdentifier',
      'SourceEndpointArn',
      'TargetEndpointArn',
      'ReplicationInstanceArn',
      'MigrationType',
      'TableMappings',
    ]);
    expect(shape.members.get('CdcStartTime')?.().kind).toBe('timestamp');
    expect(operationInput('MakeCoffee')).toBeUndefined();
  });
});
