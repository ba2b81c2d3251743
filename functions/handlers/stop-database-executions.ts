/**
 * Teardown's first step after marking the database TEARING_DOWN: takes the resize lock whoever holds it, then stops
 * every running execution that works on the database (a table resync included), so that nothing creates, starts or resumes anything for it
 * while teardown deletes (docs/failure-semantics.md). A migrate-database execution is found by its deterministic
 * name (the name, or the name with a suffix); a resize by the execution the lock recorded. Idempotent: an execution
 * that already ended is not stopped again.
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { listRunningExecutions, stopExecution } from '#adapters/sfn';
import { ENV } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { sourceNetworkOf } from '#domain/planner/network';
import { RESIZE_LOCK_TTL_SECONDS } from '#domain/resize/resize-request';
import { executionsOfDatabase } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const stateMachineArn = z.string().regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/, {
  message: 'must be a Step Functions state machine ARN',
});

const StopExecutionsInput = z.object({
  ...databaseKey,
  /** The teardown execution (`$$.Execution.Id`): it holds the lock from now on. */
  executionArn: z.string().min(1, 'must name the teardown execution'),
  /** The state machines whose executions work on one database (migrate-database, resize-instance). */
  stateMachineArns: z.array(stateMachineArn).min(1, 'must list at least one state machine ARN'),
  now,
});

export const stopDatabaseExecutions = async (event: unknown) => {
  const input = parseInput(StopExecutionsInput, event);
  const key = { migrationId: input.migrationId, databaseId: input.databaseId };
  const before = await registry.require(key);
  // A re-run on a database already DELETED has nothing running and needs no lock.
  const previous =
    before.phase === 'TEARING_DOWN'
      ? await registry.seizeResizeLockForTeardown(key, {
          holder: `teardown:${input.executionArn}`,
          now: input.now,
          ttlSeconds: RESIZE_LOCK_TTL_SECONDS,
        })
      : before;
  const running = (await Promise.all(input.stateMachineArns.map((arn) => listRunningExecutions(arn)))).flat();
  const targets = executionsOfDatabase(running, {
    executionName: before.plan.identifiers.executionName,
    lockExecutionArn: previous.lock?.executionArn,
    // A resync that took its table's lock before the phase became TEARING_DOWN; none can take one after.
    resyncExecutionArns: Object.values(previous.tableResyncs ?? {}).flatMap((lock) =>
      lock.executionArn ? [lock.executionArn] : [],
    ),
    except: input.executionArn,
  });
  const stopped: string[] = [];
  for (const execution of targets) {
    const cause = `${input.migrationId}/${input.databaseId} is being torn down by ${input.executionArn}`;
    if (await stopExecution(execution.executionArn, { error: ERROR_NAMES.teardownInProgress, cause }))
      stopped.push(execution.executionArn);
  }
  // Teardown invokes the database's network's copy of drop-replication-slot.
  return { stopped, network: sourceNetworkOf(before.plan) };
};

export const handler = lambdaHandler(stopDatabaseExecutions);
