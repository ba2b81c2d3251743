import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RETRYABLE_ERRORS } from '#contracts/errors';
import {
  RECONCILE_SCHEDULE_EXPRESSION,
  STATE_MACHINE_NAMES,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { LAMBDA_SERVICE_ERRORS, LAMBDA_TASK_RETRY } from '../../infra/asl/builders/retry.ts';
import { FULL_LOAD_WAIT } from '../../infra/asl/limits.ts';
import { renderDefinition } from '../../infra/asl/machines/index.ts';

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
    const [named, service] = LAMBDA_TASK_RETRY;
    // Assess
    expect(named).toMatchObject({ ErrorEquals: [...RETRYABLE_ERRORS], JitterStrategy: 'FULL' });
    expect(named?.MaxAttempts).toBeGreaterThan(0);
    expect(service).toMatchObject({ ErrorEquals: [...LAMBDA_SERVICE_ERRORS], JitterStrategy: 'FULL' });
    expect(service?.ErrorEquals).toContain('Lambda.ServiceException');
  });

  it('allow the reconciler several runs between full-load heartbeats', () => {
    // Prepare
    const [, minutes] = /^rate\((\d+) minutes?\)$/.exec(RECONCILE_SCHEDULE_EXPRESSION) ?? [];
    // Assess
    expect(minutes).toBeDefined();
    expect(FULL_LOAD_WAIT.heartbeatSeconds).toBeGreaterThanOrEqual(3 * Number(minutes) * 60);
    expect(FULL_LOAD_WAIT.timeoutSeconds).toBeGreaterThan(FULL_LOAD_WAIT.heartbeatSeconds);
  });
});
