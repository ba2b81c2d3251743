import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { STATE_MACHINE_NAMES } from '#contracts/names';
import { listensOnDefaultBus, RULES } from '#contracts/wiring';
import { ManualClock } from '#local/clock';
import { startLocalLakeshift } from '#local/local-lakeshift';
import {
  definitionSubstitutions,
  localStackNames,
  readStateMachineDefinition,
  substitute,
  UnresolvedPlaceholderError,
} from '#local/stack';

describe('local stack definitions', () => {
  it('substitutes every placeholder of every state machine file, as CDK does', async () => {
    // Prepare
    const names = localStackNames();

    // Act
    const definitions = await Promise.all(
      STATE_MACHINE_NAMES.map((name) => readStateMachineDefinition(name, names)),
    );

    // Assess
    for (const definition of definitions) {
      expect(definition).not.toMatch(/\$\{\w+\}/);
      expect(() => JSON.parse(definition)).not.toThrow();
    }
    expect(definitions.join('\n')).toContain(names.functionArns['plan-database']);
  });

  it('names every placeholder it cannot substitute', () => {
    // Prepare
    const substitutions = definitionSubstitutions(localStackNames());
    const placeholder = (key: string) => `\${${key}}`;

    // Act + Assess
    expect(substitute(`{"a":"${placeholder('PlanDatabaseFunctionArn')}"}`, substitutions, 'x.asl.json')).toBe(
      '{"a":"arn:aws:lambda:us-east-1:000000000000:function:lakeshift-plan-database"}',
    );
    expect(() =>
      substitute(`${placeholder('Nope')} ${placeholder('AlsoNope')}`, substitutions, 'x.asl.json'),
    ).toThrow(
      new UnresolvedPlaceholderError(
        `x.asl.json: no substitution for ${placeholder('Nope')}, ${placeholder('AlsoNope')}`,
      ),
    );
  });

  it('puts rules for AWS service events and schedules on the default bus, and lakeshift requests on its own', () => {
    // Act
    const onDefault = RULES.filter(listensOnDefaultBus).map((rule) => rule.id);

    // Assess
    expect(onDefault).toEqual([
      'DmsTaskStateChange',
      'AlarmStateChange',
      'Reconcile',
      'InspectReplicationSlots',
      'RefreshCatalogs',
    ]);
  });
});

describe('startLocalLakeshift with a state directory', () => {
  it('keeps secrets, registry items and DMS resources across a restart and applies the stack again', async () => {
    // Prepare
    const stateDir = await mkdtemp(join(tmpdir(), 'lakeshift-state-'));
    const item = { pk: { S: 'm' }, sk: { S: 'db' }, phase: { S: 'CDC' } };
    try {
      const first = await startLocalLakeshift({ clock: new ManualClock(), stateDir });
      const secretArn = first.secretsManager.createSecretDirect(
        'lakeshift/orders',
        '{"host":"orders.synthetic"}',
      );
      const dynamodb = new DynamoDBClient({
        endpoint: first.endpoint,
        region: first.region,
        credentials: first.credentials,
      });
      await dynamodb.send(new PutItemCommand({ TableName: 'lakeshift-registry', Item: item }));
      dynamodb.destroy();
      await first.stop();

      // Act
      const second = await startLocalLakeshift({ clock: new ManualClock(), stateDir });
      const reader = new DynamoDBClient({
        endpoint: second.endpoint,
        region: second.region,
        credentials: second.credentials,
      });
      const read = await reader.send(
        new GetItemCommand({ TableName: 'lakeshift-registry', Key: { pk: { S: 'm' }, sk: { S: 'db' } } }),
      );
      reader.destroy();
      const secret = second.secretsManager.resolveSecretString(secretArn);
      const subnetGroups = Object.keys(second.dms.snapshot().subnetGroups);
      await second.stop();

      // Assess
      expect(read.Item).toEqual(item);
      expect(secret).toBe('{"host":"orders.synthetic"}');
      expect(subnetGroups).toContain('lakeshift-default');
      expect(second.stack.stateMachineArns['migrate-fleet']).toBe(
        'arn:aws:states:us-east-1:000000000000:stateMachine:lakeshift-migrate-fleet',
      );
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
