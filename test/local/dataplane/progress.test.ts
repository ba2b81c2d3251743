import { describe, expect, it } from 'vitest';
import type { TablePlan } from '#local/dataplane/table-plan';
import { loadProgressPercent } from '#local/dataplane/workload';

const plan = (table: string, sizeBytes: number): TablePlan => ({
  source: { schema: 'public', table },
  target: { schema: 'public', table },
  columns: [],
  headerColumns: [],
  primaryKey: [],
  capturesUpdatesAndDeletes: false,
  sizeBytes,
  sourceColumns: new Map(),
});

describe('loadProgressPercent', () => {
  it('weighs tables by size, counts an empty table as one page and stays below 100 until the load finishes', () => {
    // Prepare
    const plans = [plan('big', 3 * 8192 * 10), plan('small', 8192 * 10), plan('empty', 0)];

    // Act
    const steps = [
      loadProgressPercent(plans, new Set()),
      loadProgressPercent(plans, new Set(['public.small'])),
      loadProgressPercent(plans, new Set(['public.small', 'public.empty'])),
      loadProgressPercent(plans, new Set(['public.small', 'public.empty', 'public.big'])),
    ];

    // Assess
    expect(steps).toEqual([0, 24, 26, 99]);
  });
});
