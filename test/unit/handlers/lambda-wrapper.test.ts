import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResourceBusyError } from '#contracts/errors';
import { formatPath } from '#domain/field-path';
import { lambdaHandler, logger } from '#shared/lambda';
import { lambdaContext } from '#test/lambda-context';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Function: lambdaHandler', () => {
  it('returns what the handler returns and logs one line for it', async () => {
    // Prepare
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const handler = lambdaHandler(async (event: unknown) => ({ echoed: event }));
    // Act
    const result = await handler({ migrationId: 'm', databaseId: 'd' }, lambdaContext('test'));
    // Assess
    expect(result).toEqual({ echoed: { migrationId: 'm', databaseId: 'd' } });
    expect(info).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledWith('handled', { result });
  });

  it('rethrows the error unchanged, so Step Functions matches its name, after logging it once', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const busy = new ResourceBusyError('instance is modifying');
    const handler = lambdaHandler(async () => {
      throw busy;
    });
    // Act
    const attempt = handler({}, lambdaContext('test'));
    // Assess
    await expect(attempt).rejects.toBe(busy);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('failed: ResourceBusy', busy);
  });

  it('puts the registry key of the event on every log line of the invocation', async () => {
    // Prepare
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const handler = lambdaHandler(async () => ({ ok: true }));
    const append = vi.spyOn(logger, 'appendKeys');
    // Act
    await handler({ migrationId: 'm-1', databaseId: 'orders', other: 1 }, lambdaContext('test'));
    // Assess
    expect(append).toHaveBeenCalledWith({ migrationId: 'm-1', databaseId: 'orders' });
  });
});

describe('Function: formatPath', () => {
  it('writes a field path as a reader would', () => {
    // Act
    const nested = formatPath(['plan', 'task', 'Tags', 2, 'Key']);
    const root = formatPath([]);
    // Assess
    expect(nested).toBe('plan.task.Tags[2].Key');
    expect(root).toBe('(input)');
  });
});
