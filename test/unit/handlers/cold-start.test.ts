import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENV, type EnvName } from '#contracts/env';
import { ERROR_NAMES } from '#contracts/errors';
import { HANDLER_NAMES, type HandlerName } from '#contracts/names';
import { importHandler, setHandlerEnv } from '#test/lambda-context';

/** The variables each handler validates at cold start; the others need none. */
const REQUIRED_ENV: Partial<Record<HandlerName, readonly EnvName[]>> = {
  'validate-request': [ENV.dmsS3AccessRoleArn, ENV.dmsSecretsAccessRoleArn],
  'plan-database': [ENV.registryTableName, ENV.dmsS3AccessRoleArn, ENV.dmsSecretsAccessRoleArn],
  'ensure-replication-instance': [ENV.registryTableName],
  'ensure-endpoints': [ENV.registryTableName],
  'ensure-task': [ENV.registryTableName],
  'await-full-load': [ENV.registryTableName],
  'on-task-event': [ENV.registryTableName, ENV.eventBusName],
  'decide-resize': [ENV.registryTableName, ENV.eventBusName],
  'arm-alarms': [ENV.registryTableName],
  'record-phase': [ENV.registryTableName, ENV.eventBusName],
  reconcile: [ENV.registryTableName, ENV.eventBusName],
  'drop-replication-slot': [ENV.registryTableName],
  'delete-certificate': [ENV.registryTableName],
  'record-replication-slot': [ENV.registryTableName],
  'inspect-replication-slots': [ENV.registryTableName],
  'list-cdc-databases': [ENV.registryTableName],
  'inspect-toast-exposure': [ENV.registryTableName],
  'begin-table-resync': [ENV.registryTableName],
  'freeze-table-generation': [ENV.registryTableName],
  'switch-table-view': [ENV.registryTableName],
  'reload-table': [ENV.registryTableName],
  'prune-table-generation': [ENV.registryTableName],
  'end-table-resync': [ENV.registryTableName, ENV.eventBusName],
};

const CASES = Object.entries(REQUIRED_ENV).flatMap(([name, variables]) =>
  (variables ?? []).map((variable) => ({ name: name as HandlerName, variable })),
);

const saved = { ...process.env };

beforeEach(() => {
  vi.resetModules();
  setHandlerEnv();
});
afterEach(() => {
  process.env = { ...saved };
});

describe('Handlers: cold start', () => {
  it('has one file per handler name, and no other', async () => {
    // Act
    const files = (await readdir(new URL('../../../functions/handlers/', import.meta.url))).filter((file) =>
      file.endsWith('.ts'),
    );
    // Assess
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it.each(HANDLER_NAMES)('%s exports a Lambda handler once its environment is set', async (name) => {
    // Act
    const handler = await importHandler(name);
    // Assess
    expect(handler).toBeTypeOf('function');
  });

  it.each(CASES)(
    '$name fails at cold start, naming $variable, when it is missing',
    async ({ name, variable }) => {
      // Prepare
      delete process.env[variable];
      // Act
      const attempt = importHandler(name);
      // Assess
      await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.configuration });
      await expect(attempt).rejects.toThrow(`Missing required environment variable(s): ${variable}`);
    },
  );

  it('fails at cold start on a malformed network configuration, naming the variable', async () => {
    // Prepare
    process.env[ENV.networks] = '{"default": ';
    // Act
    const attempt = importHandler('plan-database');
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ERROR_NAMES.configuration,
      message: `${ENV.networks} must be a JSON object of named networks`,
    });
  });
});
