import { describe, expect, it } from 'vitest';
import { plainTextWarnings } from '#domain/request/source-tls';
import { databasesWarning } from '#domain/request/warnings';

const ids = (count: number): string[] => Array.from({ length: count }, (_, index) => `db${index + 1}`);

describe('Function: databasesWarning', () => {
  it('gives no warning for no database', () => {
    // Act
    const warnings = databasesWarning([], 'something');
    // Assess
    expect(warnings).toEqual([]);
  });

  it('names the one database a warning is about', () => {
    // Act
    const warnings = databasesWarning(['orders'], 'something');
    // Assess
    expect(warnings).toEqual(['database orders: something']);
  });

  it('names every database of a few, with their count', () => {
    // Act
    const warnings = databasesWarning(ids(3), 'something');
    // Assess
    expect(warnings).toEqual(['databases db1, db2, db3 (3): something']);
  });

  it('names the first ten of many and counts the rest, so one warning stays short for any fleet', () => {
    // Act
    const warnings = databasesWarning(ids(1_000), 'something');
    // Assess
    expect(warnings).toEqual([
      'databases db1, db2, db3, db4, db5, db6, db7, db8, db9, db10 and 990 more (1000): something',
    ]);
  });
});

describe('Function: plainTextWarnings', () => {
  it('gives one warning for every database read in plain text, and none for the others', () => {
    // Prepare
    const request = {
      databases: [
        { id: 'orders', sslMode: 'none' },
        { id: 'billing', sslMode: 'verify-full' },
        { id: 'stock', sslMode: 'none' },
      ],
    };
    // Act
    const warnings = plainTextWarnings(request);
    // Assess
    expect(warnings).toEqual([
      expect.stringMatching(/^databases orders, stock \(2\): sslMode 'none' \(acknowledged\)/),
    ]);
  });
});
