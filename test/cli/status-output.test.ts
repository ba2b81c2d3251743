import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderStatusTable } from '#cli/render';
import { costSoFar, statusRow } from '#cli/status-model';
import type { RegistryItem } from '#domain/registry-item';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { defaultPriceTable } from '#local/report/prices';
import { planFor } from '../unit/handlers/fixtures.ts';

const MIGRATION = 'shop-2026';
const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const prices = defaultPriceTable();

const stepDown: ResizeHistoryEntry = {
  at: '2026-03-01T18:00:00.000Z',
  fromClass: 'dms.r5.xlarge',
  action: 'step-down',
  targetClass: 'dms.t3.medium',
  rule: 'step-down-after-full-load',
  reason: 'the full load is done: one rung below the full-load class',
  metrics: {},
  trigger: { kind: 'full-load-done' },
};

const itemOf = (databaseId: string, fields: Partial<RegistryItem>): RegistryItem => {
  const plan = planFor(MIGRATION, databaseId);
  return {
    migrationId: MIGRATION,
    databaseId,
    phase: 'REQUESTED',
    version: 1,
    attempt: 1,
    plan,
    instanceIdentifier: plan.identifiers.instance,
    currentClass: 'dms.r5.xlarge',
    history: [],
    createdAt: '2026-03-01T12:00:00.000Z',
    updatedAt: '2026-03-01T12:00:00.000Z',
    phaseChangedAt: '2026-03-01T12:00:00.000Z',
    ...fields,
  };
};

/** A fixed registry state: one database in CDC after its step-down, one loading, one failed. */
const FLEET = [
  {
    item: itemOf('orders', { phase: 'CDC', currentClass: 'dms.t3.medium', history: [stepDown] }),
    fullLoadPercent: 100,
    rows: 1_204_332,
    cdcLatencySeconds: 3.25,
    slotWalRetainedBytes: 50_331_648,
  },
  { item: itemOf('billing', { phase: 'FULL_LOAD' }), fullLoadPercent: 45.6, rows: 310_000 },
  {
    item: itemOf('inventory', {
      phase: 'FAILED',
      failure: {
        error: 'TestConnectionFailed',
        cause: 'source endpoint: could not connect to server',
        at: '2026-03-01T12:20:00.000Z',
        phase: 'PROVISIONING',
      },
    }),
  },
];

describe('the human status output', () => {
  it('shows phase, class, progress, latency, slot WAL, cost, the last resize and the failure of each database', () => {
    // Act
    const output = renderStatusTable(FLEET.map((status) => statusRow(status, NOW, prices)));

    // Assess
    expect(output).toMatchSnapshot();
  });

  it('is the example the README shows for `lakeshift status`', async () => {
    // Prepare
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /```text\n\$ npx lakeshift status shop-2026\n([\s\S]*?)```/.exec(readme)?.[1];

    // Act
    const output = renderStatusTable(FLEET.map((status) => statusRow(status, NOW, prices)));

    // Assess
    expect(example).toBe(output);
  });

  it('says so when the registry holds no database', () => {
    expect(renderStatusTable([])).toBe('no databases in the registry\n');
  });
});

describe('costSoFar', () => {
  it('prices each class for the hours it ran, from registration to now', () => {
    // Prepare
    const orders = FLEET[0]?.item as RegistryItem;
    const hourly = (instanceClass: string) => prices.instances[instanceClass]?.hourlyUsd ?? Number.NaN;

    // Act
    const cost = costSoFar(orders, NOW, prices);

    // Assess: 6 h on the full-load class, then 18 h on the steady class.
    expect(cost).toBeCloseTo(6 * hourly('dms.r5.xlarge') + 18 * hourly('dms.t3.medium'), 2);
  });

  it('stops billing when the database was deleted', () => {
    // Prepare
    const deleted = itemOf('gone', { phase: 'DELETED', phaseChangedAt: '2026-03-01T14:00:00.000Z' });

    // Act
    const cost = costSoFar(deleted, NOW, prices);

    // Assess
    expect(cost).toBeCloseTo(2 * (prices.instances['dms.r5.xlarge']?.hourlyUsd ?? Number.NaN), 2);
  });
});
