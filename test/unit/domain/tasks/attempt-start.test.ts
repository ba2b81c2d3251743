import type { ReplicationTask } from '@aws-sdk/client-database-migration-service';
import { describe, expect, it } from 'vitest';
import { decideAttemptStart } from '#domain/tasks/attempt-start';

const STARTED = new Date('2026-01-01T00:00:00Z');
const LOADED = new Date('2026-01-01T01:00:00Z');

describe('decideAttemptStart', () => {
  it('starts a task that never ran afresh and waits for its full load', () => {
    // Prepare
    const task: ReplicationTask = { Status: 'ready' };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: false, startType: 'start-replication' });
  });

  it('resumes a task stopped inside its full load instead of reloading it', () => {
    // Prepare
    const task: ReplicationTask = {
      Status: 'failed',
      ReplicationTaskStartDate: STARTED,
      ReplicationTaskStats: { FullLoadStartDate: STARTED, FullLoadProgressPercent: 40 },
    };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: false, startType: 'resume-processing' });
  });

  it('leaves a task still loading alone and waits for its full load', () => {
    // Prepare
    const task: ReplicationTask = {
      Status: 'running',
      ReplicationTaskStartDate: STARTED,
      ReplicationTaskStats: { FullLoadStartDate: STARTED },
    };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: false, startType: 'none' });
  });

  it('goes on at the step-down for a task already running CDC after its full load', () => {
    // Prepare
    const task: ReplicationTask = {
      Status: 'running',
      ReplicationTaskStartDate: STARTED,
      ReplicationTaskStats: { FullLoadStartDate: STARTED, FullLoadFinishDate: LOADED },
    };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: true, startType: 'none' });
  });

  it('goes on at the step-down, without starting, for a task DMS stopped after the full load', () => {
    // Prepare
    const task: ReplicationTask = {
      Status: 'stopped',
      StopReason: 'Stop Reason STOPPED_AFTER_CACHED_EVENTS',
      ReplicationTaskStartDate: STARTED,
    };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: true, startType: 'none' });
  });

  it('goes on at the step-down for a task that failed in CDC after its full load', () => {
    // Prepare
    const task: ReplicationTask = {
      Status: 'failed',
      StopReason: 'Stop Reason FATAL_ERROR',
      ReplicationTaskStartDate: STARTED,
      ReplicationTaskStats: { FullLoadFinishDate: LOADED, FullLoadProgressPercent: 100 },
    };
    // Act
    const start = decideAttemptStart(task);
    // Assess
    expect(start).toEqual({ fullLoadDone: true, startType: 'none' });
  });
});
