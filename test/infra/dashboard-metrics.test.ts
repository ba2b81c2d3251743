import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '#contracts/metrics';
import { PHASES, type Phase } from '#contracts/phases';
import {
  fleetPhaseMetrics,
  type MetricPoint,
  phaseChangeMetrics,
  resizeDecisionMetrics,
  resumesPendingMetrics,
  slotIncidentMetrics,
  slotWatchMetrics,
} from '#domain/metrics';
import { ROOT_DIR, resourcesOfType, synthesize } from './support/synth.ts';

let dashboardMetrics: string[];

beforeAll(() => {
  const body = JSON.stringify(
    resourcesOfType(synthesize().json, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties?.['DashboardBody'],
  );
  dashboardMetrics = [...body.matchAll(/Namespace=\\+"lakeshift\\+" MetricName=\\+"(\w+)\\+"/g)].map(
    (match) => match[1] ?? '',
  );
});

/**
 * A database's whole journey, a resize, each resize outcome, a fleet count and a look at a slot: everything the
 * builders publish.
 */
const publishedBy: Readonly<Record<string, (phases: readonly Phase[]) => MetricPoint[]>> = {
  phaseChangeMetrics: (phases) =>
    phases.slice(1).flatMap((to, index) =>
      phaseChangeMetrics({
        migrationId: 'm',
        databaseId: 'd',
        from: phases[index] ?? 'REQUESTED',
        to,
        registeredAt: '2026-03-01T00:00:00.000Z',
        fromSince: '2026-03-01T01:00:00.000Z',
        now: '2026-03-01T02:00:00.000Z',
        ...(to === 'CDC' ? { resizedTo: 'dms.t3.medium' } : {}),
      }),
    ),
  resizeDecisionMetrics: () =>
    (['stay', 'step-up', 'step-down'] as const).flatMap((action) =>
      resizeDecisionMetrics({ migrationId: 'm', databaseId: 'd', action }),
    ),
  fleetPhaseMetrics: (phases) => fleetPhaseMetrics(phases),
  resumesPendingMetrics: () => resumesPendingMetrics(1),
  slotWatchMetrics: () =>
    slotWatchMetrics({ migrationId: 'm', databaseId: 'd' }, { active: true, retainedWalBytes: 1 }),
  slotIncidentMetrics: () => slotIncidentMetrics({ migrationId: 'm', databaseId: 'd' }),
};

/** REQUESTED to CDC in order, a resize, and CDC again. */
const JOURNEY: readonly Phase[] = [...PHASES.slice(0, PHASES.indexOf('CDC') + 1), 'RESIZING', 'CDC'];

/** Source files of handlers and adapters that pass a builder's points to `publishMetrics`. */
const callersOf = (builder: string): string[] =>
  ['handlers', 'adapters'].flatMap((layer) => {
    const folder = join(ROOT_DIR, 'functions', layer);
    return readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .filter((file) => readFileSync(join(folder, file), 'utf8').includes(`publishMetrics(${builder}(`))
      .map((file) => `${layer}/${file}`);
  });

describe('the dashboard’s lakeshift metrics', () => {
  it('plots every metric lakeshift names, and only those', () => {
    expect([...new Set(dashboardMetrics)].sort()).toEqual(Object.values(METRIC_NAMES).sort());
  });

  it('has a publisher for each: a builder that emits it, called with publishMetrics by a handler or adapter', () => {
    // Act
    const publishers = dashboardMetrics.map((metric) => {
      const builders = Object.entries(publishedBy)
        .filter(([, build]) => build(JOURNEY).some((point) => point.name === metric))
        .map(([builder]) => builder);
      return { metric, callers: builders.flatMap(callersOf) };
    });

    // Assess
    expect(publishers.filter((publisher) => publisher.callers.length === 0)).toEqual([]);
    expect(Object.fromEntries(publishers.map((publisher) => [publisher.metric, publisher.callers]))).toEqual({
      [METRIC_NAMES.phaseEntered]: ['handlers/record-phase.ts'],
      [METRIC_NAMES.instanceResized]: ['handlers/record-phase.ts'],
      [METRIC_NAMES.requestToCdcSeconds]: ['handlers/record-phase.ts'],
      [METRIC_NAMES.fullLoadSeconds]: ['handlers/record-phase.ts'],
      [METRIC_NAMES.resizeDecided]: ['adapters/resize-decision.ts'],
      [METRIC_NAMES.databasesInPhase]: ['handlers/reconcile.ts'],
      [METRIC_NAMES.resumesPending]: ['handlers/reconcile.ts'],
      [METRIC_NAMES.slotActive]: ['handlers/reconcile.ts'],
      [METRIC_NAMES.slotRetainedWal]: ['handlers/reconcile.ts'],
      [METRIC_NAMES.slotIncident]: ['handlers/reconcile.ts'],
    });
  });
});

describe('phaseChangeMetrics', () => {
  it('times the full load and the way from request to the first CDC, not a return to CDC after a resize', () => {
    // Act
    const points = publishedBy.phaseChangeMetrics?.(JOURNEY) ?? [];

    // Assess
    expect(
      points.filter(
        (point) => point.name !== METRIC_NAMES.phaseEntered && point.name !== METRIC_NAMES.instanceResized,
      ),
    ).toEqual([
      expect.objectContaining({
        name: METRIC_NAMES.fullLoadSeconds,
        value: 3600,
        dimensions: { MigrationId: 'm' },
      }),
      expect.objectContaining({
        name: METRIC_NAMES.requestToCdcSeconds,
        value: 7200,
        dimensions: { MigrationId: 'm' },
      }),
    ]);
    expect(
      points.filter((point) => point.name === METRIC_NAMES.phaseEntered).map((p) => p.dimensions.Phase),
    ).toEqual(JOURNEY.slice(1));
  });
});

describe('fleetPhaseMetrics', () => {
  it('counts databases in every phase but DELETED, zeros included', () => {
    // Act
    const points = fleetPhaseMetrics(['CDC', 'CDC', 'FAILED']);

    // Assess
    expect(points.map((point) => [point.dimensions.Phase, point.value])).toEqual(
      PHASES.filter((phase) => phase !== 'DELETED').map((phase) => [
        phase,
        phase === 'CDC' ? 2 : phase === 'FAILED' ? 1 : 0,
      ]),
    );
  });
});
