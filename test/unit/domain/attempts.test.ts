import { describe, expect, it } from 'vitest';
import { PHASES, type Phase } from '#contracts/phases';
import { decideDatabaseRun, statusOfPhase } from '#domain/attempts';
import { attemptExecutionName, deriveIdentifiers } from '#domain/naming';

const KEY = { migrationId: 'shop', databaseId: 'orders' };

describe('decideDatabaseRun', () => {
  it('starts the first attempt, under the first execution name, for a database the registry does not know', () => {
    // Act
    const decision = decideDatabaseRun(KEY, undefined);
    // Assess
    expect(decision).toEqual({
      action: 'start',
      attempt: 1,
      executionName: deriveIdentifiers('shop', 'orders').executionName,
      reason: 'first',
    });
  });

  it.each([
    ['FAILED', 'retry'],
    ['DELETED', 're-run'],
  ] as const)(
    'starts the next attempt of a %s database (%s), under a new execution name',
    (phase, reason) => {
      // Act
      const decision = decideDatabaseRun(KEY, { phase, attempt: 3 });
      // Assess
      expect(decision).toEqual({
        action: 'start',
        attempt: 4,
        executionName: attemptExecutionName('shop', 'orders', 4),
        reason,
      });
      expect(attemptExecutionName('shop', 'orders', 4)).not.toBe(attemptExecutionName('shop', 'orders', 3));
    },
  );

  it.each([
    ['REQUESTED', 'ALREADY_RUNNING'],
    ['PROVISIONING', 'ALREADY_RUNNING'],
    ['FULL_LOAD', 'ALREADY_RUNNING'],
    ['STEPPING_DOWN', 'ALREADY_RUNNING'],
    ['CDC', 'ALREADY_DONE'],
    ['RESIZING', 'ALREADY_DONE'],
    ['STOPPED', 'ALREADY_DONE'],
    ['TEARING_DOWN', 'TEARING_DOWN'],
  ] as const)('starts nothing for a database in %s and reports it %s', (phase, status) => {
    // Act
    const decision = decideDatabaseRun(KEY, { phase, attempt: 2 });
    // Assess
    expect(decision).toEqual({ action: 'report', attempt: 2, status });
  });

  it('starts nothing for a retry of an attempt that was retried already (a duplicate retry request)', () => {
    // Act
    const afterRetryFailedToo = decideDatabaseRun(KEY, { phase: 'FAILED', attempt: 2 }, 1);
    const afterRetryRuns = decideDatabaseRun(KEY, { phase: 'FULL_LOAD', attempt: 2 }, 1);
    // Assess
    expect(afterRetryFailedToo).toEqual({ action: 'report', attempt: 2, status: 'FAILED' });
    expect(afterRetryRuns).toEqual({ action: 'report', attempt: 2, status: 'ALREADY_RUNNING' });
  });

  it('retries the attempt a retry request names when it is the one that failed', () => {
    // Act
    const decision = decideDatabaseRun(KEY, { phase: 'FAILED', attempt: 2 }, 2);
    // Assess
    expect(decision).toMatchObject({ action: 'start', attempt: 3, reason: 'retry' });
  });
});

describe('statusOfPhase', () => {
  it('gives every phase one of the fleet statuses', () => {
    // Act
    const statuses = new Set(PHASES.map((phase: Phase) => statusOfPhase(phase)));
    // Assess
    expect([...statuses].sort()).toEqual(['ALREADY_DONE', 'ALREADY_RUNNING', 'FAILED', 'TEARING_DOWN']);
  });
});

describe('attemptExecutionName', () => {
  it('keeps the first attempt on the name executions had before attempts were numbered', () => {
    // Act
    const first = attemptExecutionName('shop', 'orders', 1);
    // Assess
    expect(first).toBe(deriveIdentifiers('shop', 'orders').executionName);
    expect(attemptExecutionName('shop', 'orders', 2)).toBe(`${first}-a2`);
  });

  it('stays within the 80 characters of an execution name for the longest ids and attempts', () => {
    // Act
    const name = attemptExecutionName('m'.repeat(63), 'd'.repeat(63), 999_999);
    // Assess
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name.startsWith(attemptExecutionName('m'.repeat(63), 'd'.repeat(63), 1))).toBe(true);
  });

  it('refuses an attempt that is not a positive integer, naming the field', () => {
    // Act
    const attempt = () => attemptExecutionName('shop', 'orders', 0);
    // Assess
    expect(attempt).toThrow(/attempt: must be an integer from 1 to 999999, got 0/);
  });
});
