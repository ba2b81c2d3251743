import { describe, expect, it } from 'vitest';
import type { RegistryItem } from '#domain/registry-item';
import {
  type AlarmStateChange,
  cachedChangesWindow,
  databaseLookupOf,
  lockHolderOf,
  metricsTargetOf,
  type ResizeRequest,
  triggerOf,
} from '#domain/resize/resize-request';

const NOW = '2026-03-01T12:00:00.000Z';
const KEY = { migrationId: 'orders-2026', databaseId: 'billing' };

const alarm = (name: string, instanceIdentifier?: string): AlarmStateChange => ({
  alarmName: name,
  configuration: {
    metrics: [
      { metricStat: { metric: { dimensions: {} } } },
      ...(instanceIdentifier === undefined
        ? []
        : [
            { metricStat: { metric: { dimensions: { ReplicationInstanceIdentifier: instanceIdentifier } } } },
          ]),
    ],
  },
});

const item = (overrides: Partial<RegistryItem>): RegistryItem =>
  ({ ...KEY, phase: 'CDC', instanceIdentifier: 'orders-2026-billing-ri', ...overrides }) as RegistryItem;

describe('databaseLookupOf', () => {
  it('finds a step-down and a manual request by their registry key', () => {
    // Prepare
    const stepDown: ResizeRequest = { trigger: 'step-down', ...KEY, now: NOW };
    const manual: ResizeRequest = {
      trigger: 'manual',
      request: { ...KEY, targetClass: 'dms.r5.large' },
      now: NOW,
    };

    // Act
    const lookups = [databaseLookupOf(stepDown), databaseLookupOf(manual)];

    // Assess
    expect(lookups).toEqual([
      { by: 'key', key: stepDown },
      { by: 'key', key: { ...KEY, targetClass: 'dms.r5.large' } },
    ]);
  });

  it("finds an alarm's database by the instance dimension of any of its metrics", () => {
    // Act
    const lookup = databaseLookupOf({
      trigger: 'alarm',
      alarm: alarm('a', 'orders-2026-billing-ri'),
      now: NOW,
    });

    // Assess
    expect(lookup).toEqual({ by: 'instance', instanceIdentifier: 'orders-2026-billing-ri' });
  });

  it('finds nothing for an alarm without the instance dimension', () => {
    expect(databaseLookupOf({ trigger: 'alarm', alarm: alarm('a'), now: NOW })).toEqual({ by: 'none' });
  });
});

describe('triggerOf', () => {
  it("names a lakeshift alarm's signal, and only the name of another alarm", () => {
    // Act
    const ours = triggerOf({ trigger: 'alarm', alarm: alarm('lakeshift-x-ap-cpu-high'), now: NOW });
    const other = triggerOf({ trigger: 'alarm', alarm: alarm('someone-cpu-high'), now: NOW });

    // Assess
    expect(ours).toEqual({ kind: 'alarm', alarmName: 'lakeshift-x-ap-cpu-high', signal: 'cpu-high' });
    expect(other).toEqual({ kind: 'alarm', alarmName: 'someone-cpu-high' });
  });

  it("carries an operator's target only when it is a known class", () => {
    // Act
    const known = triggerOf({
      trigger: 'manual',
      request: { ...KEY, targetClass: 'dms.r5.large' },
      now: NOW,
    });
    const unknown = triggerOf({
      trigger: 'manual',
      request: { ...KEY, targetClass: 'dms.x9.huge' },
      now: NOW,
    });

    // Assess
    expect(known).toEqual({ kind: 'manual', targetClass: 'dms.r5.large' });
    expect(unknown).toEqual({ kind: 'manual' });
  });
});

describe('metricsTargetOf', () => {
  it('reads metrics in CDC for a database whose task has its metric dimension', () => {
    // Act
    const target = metricsTargetOf(
      { trigger: 'alarm', alarm: alarm('a'), now: NOW },
      item({ taskResourceId: 'TASKID' }),
    );

    // Assess
    expect(target).toEqual({ instanceIdentifier: 'orders-2026-billing-ri', taskResourceId: 'TASKID' });
  });

  it('reads none for a step-down, outside CDC, or without the task dimension', () => {
    // Act
    const targets = [
      metricsTargetOf({ trigger: 'step-down', ...KEY, now: NOW }, item({ taskResourceId: 'TASKID' })),
      metricsTargetOf(
        { trigger: 'manual', request: KEY, now: NOW },
        item({ phase: 'FULL_LOAD', taskResourceId: 'TASKID' }),
      ),
      metricsTargetOf({ trigger: 'manual', request: KEY, now: NOW }, item({})),
    ];

    // Assess
    expect(targets).toEqual([undefined, undefined, undefined]);
  });
});

describe('cachedChangesWindow', () => {
  it("runs from the full load's end to the task's stop", () => {
    // Act
    const window = cachedChangesWindow(
      { FullLoadFinishDate: new Date('2026-03-01T10:00:00Z'), StopDate: new Date('2026-03-01T11:30:00Z') },
      NOW,
    );

    // Assess
    expect(window).toEqual({ startTime: '2026-03-01T10:00:00.000Z', endTime: '2026-03-01T11:30:00.000Z' });
  });

  it('falls back to the hour before the decision when the statistics say nothing', () => {
    expect(cachedChangesWindow(undefined, NOW)).toEqual({
      startTime: '2026-03-01T11:00:00.000Z',
      endTime: NOW,
    });
  });
});

describe('lockHolderOf', () => {
  it('names the trigger, the database and the time', () => {
    expect(lockHolderOf({ trigger: 'step-down', ...KEY, now: NOW }, KEY)).toBe(
      `step-down:orders-2026/billing@${NOW}`,
    );
  });
});
