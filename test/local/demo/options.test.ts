import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLOCK_SPEED,
  DEFAULT_LAKE_DIR,
  DemoOptionsError,
  parseDemoOptions,
} from '#local/demo/options';
import { buildDemoRequest, databaseIdFor, readDemoRequestTemplate } from '#local/demo/request';
import { externalSources } from '#local/demo/sources';

describe('parseDemoOptions', () => {
  it('defaults to the three demo databases, a million rows and the default clock and lake', () => {
    // Act
    const options = parseDemoOptions([]);
    // Assess
    expect(options).toEqual({
      databases: ['orders', 'awkward', 'settings'],
      rows: 1_000_000,
      clockSpeed: DEFAULT_CLOCK_SPEED,
      lakeDir: DEFAULT_LAKE_DIR,
      sources: [],
      lossy: [],
      json: false,
      quiet: false,
      help: false,
    });
  });

  it('reads every option, a database count and repeated sources', () => {
    // Act
    const byCount = parseDemoOptions(['--databases', '2']);
    const options = parseDemoOptions([
      '--databases',
      'settings,orders',
      '--rows',
      '5000',
      '--clock-speed',
      '60',
      '--lake',
      '/tmp/lake',
      '--source',
      'postgres://u:p@db1:5432/shop',
      '--source',
      'postgresql://db2/crm',
      '--json',
      '--prices',
      'prices.json',
    ]);
    // Assess
    expect(byCount.databases).toEqual(['orders', 'awkward']);
    expect(options).toMatchObject({
      databases: ['settings', 'orders'],
      rows: 5000,
      clockSpeed: 60,
      lakeDir: '/tmp/lake',
      sources: ['postgres://u:p@db1:5432/shop', 'postgresql://db2/crm'],
      json: true,
      prices: 'prices.json',
    });
  });

  it('names every bad option and its rule in one error', () => {
    // Act
    const act = () =>
      parseDemoOptions([
        '--databases',
        'orders,nope',
        '--rows',
        '1.5',
        '--clock-speed',
        '0',
        '--source',
        'mysql://x/y',
      ]);
    // Assess
    expect(act).toThrow(DemoOptionsError);
    expect(act).toThrow(
      /--source: must be a postgres:\/\/ URL, got mysql:\/\/…\n--databases: unknown database nope \(known: orders, awkward, settings\)\n--rows: must be a whole number >= 1, got 1.5\n--clock-speed: must be a number >= 1, got 0/,
    );
    expect(() => parseDemoOptions(['--source', 'postgres://host:5432'])).toThrow(
      '--source: must name a database (postgres://…/<database>): host:5432',
    );
    expect(() => parseDemoOptions(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  });
});

describe('the demo request', () => {
  it('keeps the settings the shipped request gives a database and points it at its secret', () => {
    // Prepare
    const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lakeshift-demo/orders-AbCdEf';
    // Act
    const request = buildDemoRequest(readDemoRequestTemplate(), [
      { databaseId: 'orders', databaseName: 'orders', secretArn },
    ]);
    // Assess
    expect(request['$schema']).toBeUndefined();
    expect(request['databases']).toEqual([
      {
        id: 'orders',
        databaseName: 'orders',
        secretArn,
        tables: { include: ['public.customers', 'public.order_lines'] },
      },
    ]);
    expect(request['target']).toMatchObject({
      bucket: 'lakeshift-demo-lake',
      s3Settings: { CdcMaxBatchInterval: 60 },
    });
  });

  it('gives an unknown database every table, and refuses an invalid id through the request rules', () => {
    // Prepare
    const template = readDemoRequestTemplate();
    const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:x-AbCdEf';
    // Act
    const request = buildDemoRequest(template, [{ databaseId: 'crm', databaseName: 'CRM', secretArn }]);
    const act = () => buildDemoRequest(template, [{ databaseId: 'Bad_Id', databaseName: 'x', secretArn }]);
    // Assess
    expect(request['databases']).toEqual([{ id: 'crm', databaseName: 'CRM', secretArn }]);
    expect(act).toThrow(/databases\[0\]\.id/);
  });

  it('derives distinct lakeshift ids from database names', () => {
    // Act / Assess
    expect(databaseIdFor('Shop_2024', new Set())).toBe('shop-2024');
    expect(databaseIdFor('shop', new Set(['shop']))).toBe('shop-2');
    expect(databaseIdFor('2024 sales', new Set())).toBe('sales');
    expect(databaseIdFor('___', new Set())).toBe('db');
    expect(
      externalSources(['postgres://a:b%40c@h:6543/Sales', 'postgres://h/sales']).map((s) => [
        s.databaseId,
        s.user,
        s.password,
        s.port,
      ]),
    ).toEqual([
      ['sales', 'a', 'b@c', 6543],
      ['sales-2', '', '', 5432],
    ]);
  });
});
