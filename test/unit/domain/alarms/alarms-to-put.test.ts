import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { alarmsToPut } from '#domain/alarms/alarms-to-put';
import type { RegistryItem } from '#domain/registry-item';
import { slotAlarm } from '#domain/source-safety/slot-watch';
import { LocalCloudWatch } from '#local/aws/cloudwatch/service';
import { ManualClock } from '#local/clock';

const item = (databaseId: string) => ({ migrationId: 'm', databaseId }) as RegistryItem;
const settings = {
  retainedWalAlarmBytes: 5 * 1024 ** 3,
  inactiveIncidentMinutes: 30,
  healthTopicArn: 'arn:aws:sns:us-east-1:000000000000:health',
};

/** The alarms as a CloudWatch that was sent `puts` describes them. */
const describedAfter = async (puts: readonly object[]): Promise<MetricAlarm[]> => {
  const cloudWatch = new LocalCloudWatch({ clock: new ManualClock(0), publish: () => undefined });
  for (const put of puts) await cloudWatch.handle('PutMetricAlarm', { ...put });
  const output = (await cloudWatch.handle('DescribeAlarms', {})) as { MetricAlarms: MetricAlarm[] };
  return output.MetricAlarms;
};

describe('alarmsToPut', () => {
  it('puts an alarm that does not exist, and none whose definition CloudWatch already holds', async () => {
    // Prepare
    const kept = slotAlarm(item('orders'), settings);
    const missing = slotAlarm(item('billing'), settings);
    const described = await describedAfter([kept]);

    // Act
    const toPut = alarmsToPut([kept, missing], described);

    // Assess
    expect(toPut).toEqual([missing]);
  });

  it('puts an alarm again when its threshold, its actions or its dimensions differ', async () => {
    // Prepare
    const wanted = slotAlarm(item('orders'), settings);
    const [described] = await describedAfter([wanted]);
    if (described === undefined) throw new Error('the alarm was not described');
    const variants: MetricAlarm[] = [
      { ...described, Threshold: 1 },
      { ...described, AlarmActions: [] },
      { ...described, OKActions: [settings.healthTopicArn] },
      { ...described, Dimensions: described.Dimensions?.slice(1) },
      { ...described, ActionsEnabled: false },
      { ...described, TreatMissingData: 'breaching' },
      { ...described, DatapointsToAlarm: 2, EvaluationPeriods: 3 },
    ];

    // Act
    const puts = variants.map((variant) => alarmsToPut([wanted], [variant]).length);

    // Assess
    expect(puts).toEqual(variants.map(() => 1));
  });

  it('ignores the order of dimensions and actions, and an unanswered DatapointsToAlarm', async () => {
    // Prepare
    const wanted = slotAlarm(item('orders'), settings);
    const [described] = await describedAfter([wanted]);
    if (described === undefined) throw new Error('the alarm was not described');
    const reordered: MetricAlarm = {
      ...described,
      Dimensions: [...(described.Dimensions ?? [])].reverse(),
      DatapointsToAlarm: undefined,
    };

    // Act
    const toPut = alarmsToPut([wanted], [reordered]);

    // Assess
    expect(toPut).toEqual([]);
  });
});
