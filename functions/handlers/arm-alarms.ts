/**
 * Arms the database's CDC alarms (four step-up signals, one step-down) on the instance and the task, with the real
 * AWS/DMS dimension values: the lower-case instance identifier and the task ARN's resource id. PutMetricAlarm is an
 * upsert, so arming again (after a resize, whose class changes the memory threshold) updates them in place, and
 * leaves their state as it was: an alarm still in ALARM would never fire again, so every alarm is put back to OK and
 * evaluated afresh against the new thresholds (alarm-reset.ts; an alarm already OK, or just created, loses nothing).
 * Every way into CDC arms the alarms, so this is also where alarms that were left in ALARM get their next chance.
 */
import * as z from 'zod';
import { putMetricAlarms, resetAlarmToOk } from '#adapters/cloudwatch';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { ResourceNotFoundError } from '#contracts/errors';
import { alarmSpecs } from '#domain/alarms/alarm-specs';
import { isInstanceClass } from '#domain/instance-classes';
import { rearmResetReason } from '#domain/resize/alarm-reset';
import { storedPlanOf } from '#domain/stored-plan';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const ArmAlarmsInput = z.object({
  ...databaseKey,
  /** The class the instance runs on now (the registry learns it only when the phase is recorded). */
  instanceClass: z.string().refine(isInstanceClass, 'must be a known DMS instance class, e.g. dms.r5.large'),
  now,
});

export const armAlarms = async (event: unknown) => {
  const input = parseInput(ArmAlarmsInput, event);
  const item = await registry.require(input);
  if (!item.taskArn)
    throw new ResourceNotFoundError(`${item.migrationId}/${item.databaseId} has no replication task yet`);
  const plan = storedPlanOf(item);
  const alarms = alarmSpecs({
    alarmPrefix: plan.identifiers.alarmPrefix,
    instanceIdentifier: item.instanceIdentifier,
    taskArn: item.taskArn,
    instanceClass: input.instanceClass,
    settings: plan.resize,
    tags: plan.tags,
  });
  await putMetricAlarms(alarms);
  const alarmNames = alarms.flatMap((alarm) => (alarm.AlarmName ? [alarm.AlarmName] : []));
  const reason = rearmResetReason(input.instanceClass);
  for (const name of alarmNames) await resetAlarmToOk(name, reason);
  return { alarmNames };
};

export const handler = lambdaHandler(armAlarms);
