import { describe, expect, it } from 'vitest';
import { requestForDatabase, requestForRetry } from '#domain/request/database-request';
import { requestFor } from '../../handlers/fixtures.ts';

/** The request's database entries, as the fixture wrote them. */
const entriesOf = (request: Record<string, unknown>) => request['databases'] as readonly unknown[];

describe('requestForDatabase', () => {
  it('keeps everything of the request but the other databases', () => {
    // Prepare
    const request = requestFor('shop', ['orders', 'billing']);
    // Act
    const reduced = requestForDatabase(request, 'billing');
    // Assess
    expect(reduced).toEqual({ ...request, databases: [entriesOf(request)[1]] });
  });

  it('refuses a database the request does not have, naming the field', () => {
    // Act
    const reduce = () => requestForDatabase(requestFor('shop', ['orders']), 'billing');
    // Assess
    expect(reduce).toThrow('request.databases: has no database billing');
  });
});

describe('requestForRetry', () => {
  it('puts the stored requests of several databases back into one, whatever order their keys came back in', () => {
    // Prepare
    const request = requestFor('shop', ['orders', 'billing', 'stock']);
    const reordered = Object.fromEntries(Object.entries(requestForDatabase(request, 'stock')).reverse());
    // Act
    const merged = requestForRetry([
      { databaseId: 'orders', request: requestForDatabase(request, 'orders') },
      { databaseId: 'stock', request: reordered },
    ]);
    // Assess
    expect(merged).toEqual({ ...request, databases: [entriesOf(request)[0], entriesOf(request)[2]] });
  });

  it('refuses databases planned from different requests, naming them', () => {
    // Prepare
    const request = requestFor('shop', ['orders', 'billing']);
    const changed = { ...requestForDatabase(request, 'billing'), maxConcurrency: 1 };
    // Act
    const merge = () =>
      requestForRetry([
        { databaseId: 'orders', request: requestForDatabase(request, 'orders') },
        { databaseId: 'billing', request: changed },
      ]);
    // Assess
    expect(merge).toThrow(
      'databaseIds: billing were planned from a different request than orders; retry them separately',
    );
  });
});
