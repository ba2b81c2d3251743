import { describe, expect, it } from 'vitest';
import { deriveIdentifiers } from '#domain/naming';
import { compileFaultPlan, FaultPlanError } from '#local/aws/faults/plan';

const MIGRATION = 'chaos-1';
const ledger = deriveIdentifiers(MIGRATION, 'ledger');

describe('compileFaultPlan', () => {
  it('turns named faults into the DMS, AWS and handler rules and the teardowns to send', () => {
    // Act
    const compiled = compileFaultPlan(
      {
        seed: 'plan',
        faults: [
          { fault: 'throttling', probability: 0.2 },
          { fault: 'capacity-on-modify', database: 'ledger', nth: [1] },
          { fault: 'modification-never-applies', database: 'ledger', stays: 'pending' },
          { fault: 'resume-fails', database: 'ledger', times: 2 },
          { fault: 'full-load-stalls', database: 'ledger', atPercent: 40 },
          { fault: 'lost-events', eventType: 'REPLICATION_TASK_STOPPED', nth: [1] },
          { fault: 'handler-crash', handlers: ['start-task'], when: 'after', times: 1 },
          { fault: 'handler-timeout', handlers: ['modify-instance'], nth: [2] },
          { fault: 'send-task-success-fails', error: 'KmsInvalidStateException', status: 400, times: 3 },
          { fault: 'reload-held', database: 'ledger', table: 'public.items' },
          { fault: 'reload-held', at: 'prepared' },
          { fault: 'teardown-at', database: 'ledger', at: { phase: 'STEPPING_DOWN' } },
          { fault: 'teardown-at', at: { afterHandler: 'ensure-replication-instance' } },
        ],
      },
      MIGRATION,
    );
    // Assess
    expect(compiled.dmsFaults).toEqual({
      seed: 'plan',
      api: [
        { fault: 'throttling', probability: 0.2 },
        {
          fault: 'insufficient-capacity',
          operations: ['ModifyReplicationInstance'],
          resource: ledger.instance,
          nth: [1],
        },
        {
          fault: 'busy',
          operations: ['StartReplicationTask'],
          startType: 'resume-processing',
          resource: ledger.task,
          times: 2,
        },
      ],
      events: [{ action: 'drop', eventType: 'REPLICATION_TASK_STOPPED', nth: [1] }],
      instances: [{ fault: 'modification-never-applies', instance: ledger.instance, stays: 'pending' }],
      tasks: [],
      stalls: [{ task: ledger.task, atPercent: 40 }],
      reloads: [{ task: ledger.task, table: 'public.items', at: 'loaded' }, { at: 'prepared' }],
    });
    expect(compiled.awsFaults).toEqual({
      seed: 'plan',
      api: [
        {
          service: 'stepfunctions',
          operations: ['SendTaskSuccess'],
          error: 'KmsInvalidStateException',
          status: 400,
          times: 3,
        },
      ],
      handlers: [
        { fault: 'crash-after', handlers: ['start-task'], times: 1 },
        { fault: 'timeout', handlers: ['modify-instance'], nth: [2] },
      ],
    });
    expect(compiled.teardowns).toEqual([
      { databaseId: 'ledger', at: { phase: 'STEPPING_DOWN' } },
      { at: { afterHandler: 'ensure-replication-instance' } },
    ]);
  });

  it('refuses a task failure that names no database, since the task it fails must be known', () => {
    // Act
    const compile = () => compileFaultPlan({ faults: [{ fault: 'task-fails', at: 'full-load' }] }, MIGRATION);
    // Assess
    expect(compile).toThrow(FaultPlanError);
    expect(compile).toThrow('task-fails: must name the database whose task fails');
  });

  it('stalls a full load at 10% unless the fault says where, and refuses one that names no database', () => {
    // Act
    const compiled = compileFaultPlan(
      { faults: [{ fault: 'full-load-stalls', database: 'ledger' }] },
      MIGRATION,
    );
    const compileUnnamed = () => compileFaultPlan({ faults: [{ fault: 'full-load-stalls' }] }, MIGRATION);
    // Assess
    expect(compiled.dmsFaults.stalls).toEqual([{ task: ledger.task, atPercent: 10 }]);
    expect(compileUnnamed).toThrow('full-load-stalls: must name the database whose full load stalls');
  });
});
