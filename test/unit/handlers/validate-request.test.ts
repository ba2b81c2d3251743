import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { deriveIdentifiers } from '#domain/naming';
import { invokeHandler, setHandlerEnv } from '#test/lambda-context';
import { withValue } from '../domain/request/fixtures.ts';
import { NOW, requestFor } from './fixtures.ts';

beforeAll(() => {
  setHandlerEnv();
});

describe('Handler: validate-request', () => {
  it('returns each database with its deterministic execution name, and the default concurrency', async () => {
    // Prepare
    const request = requestFor('fleet-1', ['orders', 'billing', 'inventory']);
    // Act
    const result = await invokeHandler('validate-request', { request, now: NOW });
    // Assess
    expect(result).toEqual({
      migrationId: 'fleet-1',
      maxConcurrency: 10,
      databases: ['orders', 'billing', 'inventory'].map((databaseId) => ({
        databaseId,
        executionName: deriveIdentifiers('fleet-1', databaseId).executionName,
      })),
    });
  });

  it('gives the same names for the same request, so a duplicate trigger is rejected by Step Functions', async () => {
    // Prepare
    const request = requestFor('fleet-2', ['orders']);
    // Act
    const first = await invokeHandler('validate-request', { request, now: NOW });
    const second = await invokeHandler('validate-request', { request, now: '2026-03-02T00:00:00Z' });
    // Assess
    expect(second).toEqual(first);
  });

  it('fails with one error naming every invalid field of every database', async () => {
    // Prepare
    const request = withValue(
      withValue(requestFor('fleet-3', ['orders', 'billing']), 'databases.0.secretArn', 'not-an-arn'),
      'databases.1.sslMode',
      'none',
    );
    // Act
    const attempt = invokeHandler('validate-request', { request, now: NOW });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: ERROR_NAMES.invalidRequest });
    await expect(attempt).rejects.toThrow(
      /\(2 problems\): databases\[0\]\.secretArn: .*; databases\[1\]\.acknowledgePlainText: /,
    );
  });

  it('names a missing time', async () => {
    // Act
    const attempt = invokeHandler('validate-request', { request: requestFor('fleet-4') });
    // Assess
    await expect(attempt).rejects.toThrow(/^Invalid handler input: now: /);
  });
});
