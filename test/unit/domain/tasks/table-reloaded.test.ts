import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#contracts/errors';
import { tableReloaded } from '#domain/tasks/readiness';

const REQUESTED_AT = '2026-03-01T12:00:00.400Z';
const reload = { name: 'public.orders', requestedAt: REQUESTED_AT };
const stats = (TableState: string, FullLoadEndTime?: string) => ({
  SchemaName: 'public',
  TableName: 'orders',
  TableState,
  ...(FullLoadEndTime ? { FullLoadEndTime: new Date(FullLoadEndTime) } : {}),
});

describe('tableReloaded', () => {
  it('is ready once the table is completed by a load that ended after the reload was asked for', () => {
    // Act
    const readiness = tableReloaded(stats('Table completed', '2026-03-01T12:03:00Z'), reload);
    // Assess
    expect(readiness).toEqual({ outcome: 'READY', status: 'Table completed' });
  });

  it('counts a load that ended in the second of the request, as DMS reports whole seconds', () => {
    // Act
    const readiness = tableReloaded(stats('Table completed', '2026-03-01T12:00:00Z'), reload);
    // Assess
    expect(readiness.outcome).toBe('READY');
  });

  it('waits while the table is being reloaded, and on a completion left from the load before', () => {
    // Act
    const reloading = tableReloaded(stats('Table is being reloaded'), reload);
    const stale = tableReloaded(stats('Table completed', '2026-03-01T09:00:00Z'), reload);
    // Assess
    expect(reloading).toEqual({ outcome: 'PENDING', status: 'Table is being reloaded' });
    expect(stale).toEqual({ outcome: 'PENDING', status: 'Table completed' });
  });

  it('fails on a table error, and when the task no longer lists the table', () => {
    // Act
    const errored = () => tableReloaded(stats('Table error'), reload);
    const missing = () => tableReloaded(undefined, reload);
    // Assess
    expect(errored).toThrow(expect.objectContaining({ name: ERROR_NAMES.tableReloadFailed }));
    expect(missing).toThrow(
      expect.objectContaining({ message: 'the task no longer migrates public.orders' }),
    );
  });
});
