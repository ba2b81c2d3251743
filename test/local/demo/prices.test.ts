import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTANCE_CLASS_NAMES } from '#domain/instance-classes';
import { defaultPriceTable, hourlyPrice, loadPriceTable, PriceTableError } from '#local/report/prices';

const folder = mkdtempSync(join(tmpdir(), 'lakeshift-prices-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const writeJson = (name: string, value: unknown): string => {
  const path = join(folder, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

describe('the shipped price table', () => {
  it('prices every instance class lakeshift knows and says that its figures are unverified', () => {
    // Act
    const table = defaultPriceTable();
    // Assess
    expect(INSTANCE_CLASS_NAMES.filter((name) => table.instances[name] === undefined)).toEqual([]);
    expect(table.verified).toBe(false);
    expect(table.caveat).toMatch(/UNVERIFIED PLACEHOLDERS/);
    expect(table.date).toBe('2026-11-28');
    expect(table.region).toBe('us-east-1');
    expect(hourlyPrice(table, 'dms.r5.xlarge')).toBe(0.384);
    expect(hourlyPrice(table, 'dms.c5.large')).toBe(0.154);
  });
});

describe('loadPriceTable with a user file', () => {
  it('lays the file over the shipped table and takes its date', () => {
    // Prepare
    const path = writeJson('override.json', {
      date: '2027-02-01',
      instances: { 'dms.r5.xlarge': { hourlyUsd: 0.5 } },
      serverless: { dcuHourUsd: 0.11 },
    });
    // Act
    const table = loadPriceTable(path);
    // Assess
    expect(table.date).toBe('2027-02-01');
    expect(hourlyPrice(table, 'dms.r5.xlarge')).toBe(0.5);
    expect(hourlyPrice(table, 'dms.r5.large')).toBe(0.192);
    expect(table.serverless.dcuHourUsd).toBe(0.11);
    expect(table.serverless.gibPerDcu).toBe(2);
    expect(table.caveat).toBe('Prices of 2027-02-01 from a user file, laid over the shipped table.');
  });

  it('names every bad field and its rule', () => {
    // Prepare
    const path = writeJson('bad.json', {
      instances: { 'r5.xlarge': { hourlyUsd: -1 } },
    });
    // Act
    const act = () => loadPriceTable(path);
    // Assess
    expect(act).toThrow(PriceTableError);
    expect(act).toThrow(
      `${path} is not a valid price table: date: is required; instances.r5.xlarge.hourlyUsd: Too small: expected number to be >=0; instances.r5.xlarge: must be a class name starting with dms.`,
    );
  });

  it('says so when the file is missing or not JSON', () => {
    // Prepare
    const notJson = writeJson('not.json', '{ date: ');
    // Act / Assess
    expect(() => loadPriceTable(join(folder, 'missing.json'))).toThrow(
      /cannot read price file .*missing\.json/,
    );
    expect(() => loadPriceTable(notJson)).toThrow(/price file .*not\.json is not JSON/);
  });
});
