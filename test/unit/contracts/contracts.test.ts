import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, InvalidRequestError, ResourceBusyError } from '#contracts/errors';
import { parseStopReason } from '#contracts/events';
import { handlerArnPlaceholder, stateMachineArnPlaceholder } from '#contracts/names';
import { isLegalTransition, PHASE_TRANSITIONS, PHASES } from '#contracts/phases';
import { requireEnv } from '#shared/env';

describe('contracts: error classes', () => {
  it('sets the error name that ASL Retry and Catch match on', () => {
    // Act
    const error = new ResourceBusyError('instance is modifying');
    // Assess
    expect(error.name).toBe(ERROR_NAMES.resourceBusy);
    expect(error).toBeInstanceOf(Error);
  });

  it('lists every invalid field with its path and rule in one message', () => {
    // Act
    const error = new InvalidRequestError([
      { path: 'migrationId', rule: 'must start with a letter' },
      { path: 'databases[1].secretArn', rule: 'must be a Secrets Manager secret ARN' },
    ]);
    // Assess
    expect(error.name).toBe('InvalidMigrationRequest');
    expect(error.message).toBe(
      'Invalid migration request (2 problems): migrationId: must start with a letter; databases[1].secretArn: must be a Secrets Manager secret ARN',
    );
  });

  it('lists the first 20 invalid fields and counts the rest, and keeps every one in issues', () => {
    // Prepare
    const issues = Array.from({ length: 500 }, (_, index) => ({
      path: `databases[${index}].databaseName`,
      rule: 'must be at most 63 characters',
    }));
    // Act
    const error = new InvalidRequestError(issues);
    // Assess
    expect(error.message).toMatch(
      /^Invalid migration request \(500 problems\): databases\[0\]\.databaseName: must be at most 63 characters; .*; databases\[19\]\.databaseName: must be at most 63 characters; and 480 more$/,
    );
    expect(error.message).not.toContain('databases[20]');
    expect(error.issues).toHaveLength(500);
  });
});

describe('contracts: parseStopReason', () => {
  it('finds the stop reason inside DMS free text', () => {
    expect(
      parseStopReason(
        'Last Error  ODBC general error. Stop Reason RECOVERABLE_ERROR Error Level RECOVERABLE',
      ),
    ).toBe('RECOVERABLE_ERROR');
  });
  it('returns undefined when the text has none', () => {
    expect(parseStopReason('Replication task stopped')).toBeUndefined();
    expect(parseStopReason(undefined)).toBeUndefined();
  });
});

describe('contracts: names', () => {
  it('derives ASL placeholders from handler and state machine names', () => {
    expect(handlerArnPlaceholder('ensure-replication-instance')).toBe('EnsureReplicationInstanceFunctionArn');
    expect(stateMachineArnPlaceholder('migrate-database')).toBe('MigrateDatabaseStateMachineArn');
  });
});

describe('contracts: phases', () => {
  it('walks the happy path REQUESTED → CDC through legal transitions only', () => {
    const path = ['REQUESTED', 'PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC'] as const;
    for (let i = 1; i < path.length; i++) {
      expect(isLegalTransition(path[i - 1] ?? 'REQUESTED', path[i] ?? 'REQUESTED')).toBe(true);
    }
  });
  it('never leaves DELETED and never skips the full load', () => {
    expect(PHASE_TRANSITIONS.DELETED).toEqual([]);
    expect(isLegalTransition('PROVISIONING', 'CDC')).toBe(false);
    expect(isLegalTransition('FULL_LOAD', 'RESIZING')).toBe(false);
  });
  it('has a transition entry for every phase', () => {
    expect(Object.keys(PHASE_TRANSITIONS).sort()).toEqual([...PHASES].sort());
  });
});

describe('shared: requireEnv', () => {
  it('returns the trimmed values of present variables', () => {
    expect(requireEnv(['REGISTRY_TABLE_NAME'], { REGISTRY_TABLE_NAME: ' table ' })).toEqual({
      REGISTRY_TABLE_NAME: 'table',
    });
  });
  it('fails naming every missing variable', () => {
    expect(() => requireEnv(['REGISTRY_TABLE_NAME', 'EVENT_BUS_NAME'], { EVENT_BUS_NAME: '' })).toThrow(
      'Missing required environment variable(s): REGISTRY_TABLE_NAME, EVENT_BUS_NAME',
    );
  });
});
