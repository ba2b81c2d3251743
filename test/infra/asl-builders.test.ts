import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, RETRYABLE_ERRORS } from '#contracts/errors';
import {
  RECONCILE_SCHEDULE_EXPRESSION,
  STATE_MACHINE_NAMES,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { LAMBDA_SERVICE_ERRORS, LAMBDA_TASK_RETRY } from '../../infra/asl/builders/retry.ts';
import { FULL_LOAD_WAIT } from '../../infra/asl/limits.ts';
import { renderDefinition } from '../../infra/asl/machines/index.ts';
import { migrateDatabase } from '../../infra/asl/machines/migrate-database.ts';

const committed = async (file: string) =>
  JSON.parse(await readFile(new URL(`../../${file}`, import.meta.url), 'utf8')) as unknown;

describe('ASL builders', () => {
  it.each(STATE_MACHINE_NAMES)('emit exactly the committed definition of %s', async (name) => {
    // Prepare
    const file = stateMachineDefinitionPath(name);
    // Act
    const emitted = JSON.parse(renderDefinition(name)) as unknown;
    // Assess: property order included, so the committed file is what the script writes.
    expect(
      JSON.stringify(await committed(file)),
      `${file} differs from what infra/asl/machines emits: run \`npm run asl\` and commit the result`,
    ).toBe(JSON.stringify(emitted));
  });

  it('retry the named busy and throttle errors, and Lambda service errors, with full jitter', () => {
    // Act
    const [throttled, named, service] = LAMBDA_TASK_RETRY;
    // Assess
    expect([...(throttled?.ErrorEquals ?? []), ...(named?.ErrorEquals ?? [])].sort()).toEqual(
      [...RETRYABLE_ERRORS].sort(),
    );
    expect(throttled).toMatchObject({ ErrorEquals: [ERROR_NAMES.throttled], JitterStrategy: 'FULL' });
    expect(named).toMatchObject({ JitterStrategy: 'FULL' });
    expect(named?.MaxAttempts).toBeGreaterThan(0);
    expect(service).toMatchObject({ ErrorEquals: [...LAMBDA_SERVICE_ERRORS], JitterStrategy: 'FULL' });
    expect(service?.ErrorEquals).toContain('Lambda.ServiceException');
  });

  it('wait out a busy account budget for longer than the budget queue holds, so Throttled does not fail a database', () => {
    // Prepare: the backoff before each attempt, doubled up to the cap; full jitter waits half of it on average.
    const [throttled] = LAMBDA_TASK_RETRY;
    const attempts = throttled?.MaxAttempts ?? 0;
    const cap = throttled?.MaxDelaySeconds ?? 0;
    // Act
    const meanWaitSeconds =
      Array.from({ length: attempts }, (_, attempt) =>
        Math.min(cap, (throttled?.IntervalSeconds ?? 0) * (throttled?.BackoffRate ?? 1) ** attempt),
      ).reduce((sum, seconds) => sum + seconds, 0) / 2;
    // Assess: a quarter of an hour on average, against the 30 s a full budget queue represents.
    expect(meanWaitSeconds).toBeGreaterThanOrEqual(15 * 60);
  });

  it('allow the reconciler several runs between full-load heartbeats', () => {
    // Prepare
    const [, minutes] = /^rate\((\d+) minutes?\)$/.exec(RECONCILE_SCHEDULE_EXPRESSION) ?? [];
    // Assess
    expect(minutes).toBeDefined();
    expect(FULL_LOAD_WAIT.heartbeatSeconds).toBeGreaterThanOrEqual(3 * Number(minutes) * 60);
  });

  it('bound the full-load wait by progress (heartbeats), never by an overall timeout', () => {
    // Assess
    expect(FULL_LOAD_WAIT).not.toHaveProperty('timeoutSeconds');
    expect(migrateDatabase.States['AwaitFullLoad']).not.toHaveProperty('TimeoutSeconds');
    expect(migrateDatabase.States['AwaitFullLoad']).toHaveProperty('HeartbeatSeconds', 3600);
  });
});
