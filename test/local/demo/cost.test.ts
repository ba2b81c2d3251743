import { describe, expect, it } from 'vitest';
import {
  type ClassTimeline,
  compareCosts,
  costOfTimeline,
  dcusFor,
  referenceScenario,
  serverlessEstimate,
  TimelineError,
} from '#local/report/cost';
import { defaultPriceTable, type PriceTable } from '#local/report/prices';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

/** A small table with round figures so that expected costs are easy to check by hand. */
const roundPrices = (): PriceTable => ({
  ...defaultPriceTable(),
  date: '2026-01-01',
  hoursPerMonth: 730,
  instances: {
    'dms.r5.xlarge': { hourlyUsd: 0.4 },
    'dms.r5.large': { hourlyUsd: 0.2 },
    'dms.t3.medium': { hourlyUsd: 0.05 },
  },
  storage: { gbMonthUsd: 0.1, includedGb: 50 },
  serverless: { dcuHourUsd: 0.1, gibPerDcu: 2, validDcus: [1, 2, 4, 8, 16, 32], scaleDownLagHours: 1 },
});

/** 10 h on dms.r5.xlarge, 20 h on dms.r5.large, 2 h on dms.r5.xlarge, 18 h on dms.r5.large. */
const steppedTwice: ClassTimeline = {
  changes: [
    { at: T0, instanceClass: 'dms.r5.xlarge' },
    { at: T0 + 10 * HOUR, instanceClass: 'dms.r5.large' },
    { at: T0 + 30 * HOUR, instanceClass: 'dms.r5.xlarge' },
    { at: T0 + 32 * HOUR, instanceClass: 'dms.r5.large' },
  ],
  endedAt: T0 + 50 * HOUR,
};

describe('costOfTimeline', () => {
  it('adds up instance-hours per class between class changes and prices them', () => {
    // Prepare
    const timeline = steppedTwice;
    // Act
    const cost = costOfTimeline(timeline, roundPrices());
    // Assess
    expect(cost.hours).toBe(50);
    expect(cost.hoursByClass).toEqual({ 'dms.r5.xlarge': 12, 'dms.r5.large': 38 });
    expect(cost.instanceUsd).toBeCloseTo(12 * 0.4 + 38 * 0.2, 10);
    expect(cost.storageUsd).toBe(0);
    expect(cost.totalUsd).toBeCloseTo(12.4, 10);
  });

  it('bills only the storage above the included size, pro rata over the month', () => {
    // Prepare
    const timeline: ClassTimeline = {
      changes: [{ at: T0, instanceClass: 'dms.t3.medium' }],
      endedAt: T0 + 730 * HOUR,
      allocatedStorageGb: 150,
    };
    // Act
    const cost = costOfTimeline(timeline, roundPrices());
    // Assess
    expect(cost.storageUsd).toBeCloseTo(100 * 0.1, 10);
    expect(cost.totalUsd).toBeCloseTo(730 * 0.05 + 10, 10);
  });

  it('rejects a class the price table does not price, naming it', () => {
    // Prepare
    const timeline: ClassTimeline = {
      changes: [{ at: T0, instanceClass: 'dms.c5.xlarge' }],
      endedAt: T0 + HOUR,
    };
    // Act
    const act = () => costOfTimeline(timeline, roundPrices());
    // Assess
    expect(act).toThrow('instances.dms.c5.xlarge: the price table (2026-01-01) has no price for it');
  });

  it('rejects class changes out of time order and an end before the last change', () => {
    // Prepare
    const outOfOrder: ClassTimeline = {
      changes: [
        { at: T0 + HOUR, instanceClass: 'dms.r5.large' },
        { at: T0, instanceClass: 'dms.r5.xlarge' },
      ],
      endedAt: T0 + 2 * HOUR,
    };
    const endsEarly: ClassTimeline = {
      changes: [{ at: T0, instanceClass: 'dms.r5.large' }],
      endedAt: T0 - 1,
    };
    // Act / Assess
    expect(() => costOfTimeline(outOfOrder, roundPrices())).toThrow(
      new TimelineError('changes[1].at: must not be earlier than changes[0].at'),
    );
    expect(() => costOfTimeline(endsEarly, roundPrices())).toThrow(
      'endedAt: must not be earlier than the last class change',
    );
    expect(() => costOfTimeline({ changes: [], endedAt: T0 }, roundPrices())).toThrow(/changes: must hold/);
  });
});

describe('serverlessEstimate', () => {
  it('sizes DCUs by the memory of the class: 2 GiB per DCU, rounded up to a valid count', () => {
    // Act / Assess
    expect(dcusFor('dms.r5.xlarge', roundPrices())).toBe(16);
    expect(dcusFor('dms.r5.large', roundPrices())).toBe(8);
    expect(dcusFor('dms.c5.xlarge', roundPrices())).toBe(4);
    expect(dcusFor('dms.t3.micro', roundPrices())).toBe(1);
  });

  it('scales up at once and down one lag late', () => {
    // Prepare: 16 DCU for 10 h, 8 DCU for 20 h, 16 DCU for 2 h, 8 DCU for 18 h.
    const timeline = steppedTwice;
    // Act
    const estimate = serverlessEstimate(timeline, roundPrices());
    // Assess: each step down holds 16 DCU one more hour.
    const expected = 11 * 16 + 19 * 8 + 3 * 16 + 17 * 8;
    expect(estimate.dcuHours).toBeCloseTo(expected, 10);
    expect(estimate.usd).toBeCloseTo(expected * 0.1, 10);
  });

  it('cuts the scale-down lag at the end of the timeline', () => {
    // Prepare
    const timeline: ClassTimeline = {
      changes: [
        { at: T0, instanceClass: 'dms.r5.xlarge' },
        { at: T0 + 2 * HOUR, instanceClass: 'dms.r5.large' },
      ],
      endedAt: T0 + 2.5 * HOUR,
    };
    // Act
    const estimate = serverlessEstimate(timeline, roundPrices());
    // Assess
    expect(estimate.dcuHours).toBeCloseTo(2.5 * 16, 10);
  });
});

describe('compareCosts', () => {
  it('prices the same span on a fixed dms.r5.xlarge beside lakeshift and Serverless', () => {
    // Prepare
    const timeline: ClassTimeline = {
      changes: [
        { at: T0, instanceClass: 'dms.r5.xlarge' },
        { at: T0 + 4 * HOUR, instanceClass: 'dms.t3.medium' },
      ],
      endedAt: T0 + 24 * HOUR,
    };
    // Act
    const comparison = compareCosts(timeline, roundPrices());
    // Assess
    expect(comparison.fixedInstanceClass).toBe('dms.r5.xlarge');
    expect(comparison.fixedClass.hoursByClass).toEqual({ 'dms.r5.xlarge': 24 });
    expect(comparison.fixedClass.totalUsd).toBeCloseTo(9.6, 10);
    expect(comparison.lakeshift.totalUsd).toBeCloseTo(4 * 0.4 + 20 * 0.05, 10);
    expect(comparison.serverless.dcuHours).toBeCloseTo(5 * 16 + 19 * 2, 10);
  });
});

describe('referenceScenario', () => {
  it('prices 24 h of full load on dms.r5.xlarge then 30 days of CDC on the steady class', () => {
    // Act
    const result = referenceScenario(roundPrices(), 'dms.r5.large');
    // Assess
    expect(result).toEqual({
      fixedClassUsd: 297.6, // 744 h x 0.4
      lakeshiftUsd: 153.6, // 24 h x 0.4 + 720 h x 0.2
      serverlessEstimateUsd: 615.2, // (25 h x 16 + 719 h x 8) DCU-h x 0.1
      priceTableDate: '2026-01-01',
      steadyClass: 'dms.r5.large',
    });
  });

  it('uses the shipped table and reports its date', () => {
    // Act
    const result = referenceScenario(defaultPriceTable(), 'dms.r5.large');
    // Assess
    expect(result.priceTableDate).toBe('2026-11-28');
    expect(result.fixedClassUsd).toBe(285.7);
    expect(result.lakeshiftUsd).toBe(147.46);
    expect(result.serverlessEstimateUsd).toBe(1230.4);
  });
});
