import {
  CloudWatchClient,
  CloudWatchServiceException,
  ResourceNotFound,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetAlarmToOk } from '#adapters/cloudwatch';
import { ERROR_NAMES } from '#contracts/errors';

const cloudWatch = mockClient(CloudWatchClient);

beforeEach(() => {
  cloudWatch.reset();
});

describe('cloudwatch adapter: alarm state', () => {
  describe('resetAlarmToOk', () => {
    it('sets the alarm to OK with the reason given', async () => {
      // Prepare
      cloudWatch.on(SetAlarmStateCommand).resolves({});

      // Act
      const reset = await resetAlarmToOk(
        'lakeshift-m-orders-cpu-high',
        'lakeshift evaluated: stay (cooldown)',
      );

      // Assess
      expect(reset).toBe(true);
      expect(cloudWatch).toHaveReceivedCommandWith(SetAlarmStateCommand, {
        AlarmName: 'lakeshift-m-orders-cpu-high',
        StateValue: 'OK',
        StateReason: 'lakeshift evaluated: stay (cooldown)',
      });
    });

    it('cuts the reason to the 1023 characters CloudWatch accepts', async () => {
      // Prepare
      cloudWatch.on(SetAlarmStateCommand).resolves({});

      // Act
      await resetAlarmToOk('lakeshift-m-orders-cpu-high', 'x'.repeat(2000));

      // Assess
      const reason = cloudWatch.commandCalls(SetAlarmStateCommand)[0]?.args[0].input.StateReason;
      expect(reason).toHaveLength(1023);
    });

    it('reports false, without failing, for an alarm that no longer exists', async () => {
      // Prepare
      cloudWatch
        .on(SetAlarmStateCommand)
        .rejects(new ResourceNotFound({ message: 'Alarm not found', $metadata: { httpStatusCode: 404 } }));

      // Act
      const reset = await resetAlarmToOk('lakeshift-m-gone-cpu-high', 'lakeshift evaluated: stay (cooldown)');

      // Assess
      expect(reset).toBe(false);
      expect(cloudWatch).toHaveReceivedCommandTimes(SetAlarmStateCommand, 1);
    });

    it('surfaces a refusal as AccessDenied, without retrying it', async () => {
      // Prepare
      cloudWatch.on(SetAlarmStateCommand).rejects(
        new CloudWatchServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          message: 'not authorized to perform cloudwatch:SetAlarmState',
          $metadata: { httpStatusCode: 403 },
        }),
      );

      // Act
      const attempt = resetAlarmToOk('lakeshift-m-orders-cpu-high', 'reason');

      // Assess
      await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.accessDenied });
      expect(cloudWatch).toHaveReceivedCommandTimes(SetAlarmStateCommand, 1);
    });
  });
});
