import { describe, expect, it } from 'vitest';
import { type AlarmRule, describeEvaluation, evaluateAlarm } from '#local/aws/cloudwatch/alarm-evaluation';

const rule = (overrides: Partial<AlarmRule> = {}): AlarmRule => ({
  threshold: 80,
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 3,
  datapointsToAlarm: 3,
  treatMissingData: 'missing',
  ...overrides,
});

describe('evaluateAlarm', () => {
  it('goes to ALARM when DatapointsToAlarm of the window breach, and to OK otherwise', () => {
    // Act
    const allHigh = evaluateAlarm(rule(), [85, 90, 95], 'OK');
    const oneLow = evaluateAlarm(rule(), [85, 70, 95], 'ALARM');
    const twoOfThree = evaluateAlarm(rule({ datapointsToAlarm: 2 }), [85, 70, 95], 'OK');

    // Assess
    expect(allHigh).toEqual({ state: 'ALARM', breaching: 3, present: 3 });
    expect(oneLow).toEqual({ state: 'OK', breaching: 2, present: 3 });
    expect(twoOfThree.state).toBe('ALARM');
  });

  it('compares with each operator at the threshold itself', () => {
    // Act + Assess
    expect(
      evaluateAlarm(
        rule({ comparisonOperator: 'GreaterThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1 }),
        [80],
        'OK',
      ).state,
    ).toBe('OK');
    expect(
      evaluateAlarm(
        rule({
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
        }),
        [80],
        'OK',
      ).state,
    ).toBe('ALARM');
    expect(
      evaluateAlarm(
        rule({ comparisonOperator: 'LessThanThreshold', evaluationPeriods: 1, datapointsToAlarm: 1 }),
        [80],
        'OK',
      ).state,
    ).toBe('OK');
    expect(
      evaluateAlarm(
        rule({
          comparisonOperator: 'LessThanOrEqualToThreshold',
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
        }),
        [80],
        'OK',
      ).state,
    ).toBe('ALARM');
  });

  it('treats missing data as the alarm says', () => {
    // Prepare
    const window = [undefined, 90, undefined];

    // Act + Assess
    expect(evaluateAlarm(rule({ treatMissingData: 'breaching' }), window, 'OK').state).toBe('ALARM');
    expect(evaluateAlarm(rule({ treatMissingData: 'notBreaching' }), window, 'ALARM').state).toBe('OK');
    expect(
      evaluateAlarm(rule({ treatMissingData: 'missing' }), [undefined, undefined, undefined], 'OK').state,
    ).toBe('INSUFFICIENT_DATA');
    expect(
      evaluateAlarm(rule({ treatMissingData: 'ignore' }), [undefined, undefined, undefined], 'ALARM').state,
    ).toBe('ALARM');
  });

  it('needs every remaining datapoint to breach when fewer than DatapointsToAlarm are present', () => {
    // Act + Assess
    expect(evaluateAlarm(rule(), [90, 95, undefined], 'OK')).toEqual({
      state: 'ALARM',
      breaching: 2,
      present: 2,
    });
    expect(evaluateAlarm(rule(), [90, 10, undefined], 'OK')).toEqual({
      state: 'OK',
      breaching: 1,
      present: 2,
    });
  });
});

describe('describeEvaluation', () => {
  it('words a breach as CloudWatch does, newest datapoint first', () => {
    // Prepare
    const evaluation = evaluateAlarm(rule(), [85, 90, 95], 'OK');
    const points = [
      { timestamp: Date.UTC(2026, 0, 1, 10, 0), value: 85 },
      { timestamp: Date.UTC(2026, 0, 1, 10, 1), value: 90 },
      { timestamp: Date.UTC(2026, 0, 1, 10, 2), value: 95 },
    ];

    // Act
    const reason = describeEvaluation(rule(), evaluation, points, 'OK');

    // Assess
    expect(reason).toBe(
      'Threshold Crossed: 3 out of the last 3 datapoints [95 (01/01/26 10:02:00), 90 (01/01/26 10:01:00), 85 (01/01/26 10:00:00)] were greater than the threshold (80) (minimum 3 datapoints for OK -> ALARM transition).',
    );
  });
});
