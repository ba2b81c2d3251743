import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResourceBusyError, SourceTlsError, SourceUnreachableError } from '#contracts/errors';
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
    const refused = new SourceTlsError('the server does not support TLS');
    const handler = lambdaHandler(async () => {
      throw refused;
    });
    // Act
    const attempt = handler({}, lambdaContext('test'));
    // Assess
    await expect(attempt).rejects.toBe(refused);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('failed: SourceTlsRefused', refused);
  });

  it('logs a failure the state machine expects (retried or caught) at WARN, as name and message only', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const failures = [
      new SourceUnreachableError('cannot list replication slots: getaddrinfo ENOTFOUND orders.synthetic'),
      new ResourceBusyError('instance is modifying'),
    ];
    // Act
    for (const failure of failures) {
      await lambdaHandler(async () => {
        throw failure;
      })({}, lambdaContext('test')).catch(() => undefined);
    }
    // Assess
    expect(error).not.toHaveBeenCalled();
    expect(warn.mock.calls).toEqual([
      [
        'failed: SourceUnreachable',
        {
          error: {
            name: 'SourceUnreachable',
            message: 'cannot list replication slots: getaddrinfo ENOTFOUND orders.synthetic',
          },
        },
      ],
      ['failed: ResourceBusy', { error: { name: 'ResourceBusy', message: 'instance is modifying' } }],
    ]);
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
