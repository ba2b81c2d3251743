/**
 * Runs the resize policy for one database and records the decision (`#adapters/resize-decision`). Three triggers:
 * the step-down after the full load (migrate-database), a lakeshift alarm going into ALARM, or a resize asked for by
 * hand (resize-instance).
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { decideAndRecordResize } from '#adapters/resize-decision';
import { ENV } from '#contracts/env';
import { isInstanceClass } from '#domain/instance-classes';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName, ENV.eventBusName]);
const targets = {
  registry: createRegistry({ tableName: env[ENV.registryTableName] }),
  eventBusName: env[ENV.eventBusName],
};

const instanceClass = z
  .string()
  .refine(isInstanceClass, 'must be a known DMS instance class, e.g. dms.r5.large');

/** The `detail` of a CloudWatch Alarm State Change event (docs/dms-behaviour.md §13): only what lakeshift reads. */
const alarmDetail = z.looseObject({
  alarmName: z.string().min(1, 'must name the alarm'),
  configuration: z.looseObject({
    metrics: z.array(
      z.looseObject({
        metricStat: z
          .looseObject({ metric: z.looseObject({ dimensions: z.record(z.string(), z.string()).optional() }) })
          .optional(),
      }),
    ),
  }),
});

/** The execution asking (`$$.Execution.Id`): the lock records it, so that a teardown can stop it. */
const executionArn = z.string().startsWith('arn:', 'must be an execution ARN').optional();

const DecideResizeInput = z.discriminatedUnion('trigger', [
  z.object({ trigger: z.literal('step-down'), ...databaseKey, executionArn, now }),
  z.object({ trigger: z.literal('alarm'), alarm: alarmDetail, executionArn, now }),
  z.object({
    trigger: z.literal('manual'),
    request: z.looseObject({ ...databaseKey, targetClass: instanceClass.optional() }),
    executionArn,
    now,
  }),
]);

export const decideResizeHandler = async (event: unknown) =>
  decideAndRecordResize(targets, parseInput(DecideResizeInput, event));

export const handler = lambdaHandler(decideResizeHandler);
