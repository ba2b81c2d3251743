import { describe, expect, it } from 'vitest';
import { parseMigrationRequest } from '#domain/request/parse';
import { plainTextWarnings } from '#domain/request/source-tls';
import { buildDemoRequest, readDemoRequestTemplate } from '#local/demo/request';
import { externalSources, plainTextWarning } from '#local/demo/sources';

const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:sales-AbCdEf';

describe('externalSources', () => {
  it('reads sslmode=disable as the explicit plain-text choice, warning without the password', () => {
    // Act
    const [sales, ok] = externalSources([
      'postgres://app:s3cret@db.internal:6543/Sales?sslmode=disable',
      'postgres://h/ok',
    ]);
    const request = buildDemoRequest(readDemoRequestTemplate(), [
      { databaseId: 'sales', databaseName: 'Sales', secretArn: SECRET, plainText: sales?.plainText === true },
    ]);

    // Assess
    expect([sales?.plainText, ok?.plainText]).toEqual([true, undefined]);
    expect(request['databases']).toEqual([
      expect.objectContaining({ id: 'sales', sslMode: 'none', acknowledgePlainText: true }),
    ]);
    expect(plainTextWarnings(parseMigrationRequest(request))).toEqual([
      expect.stringContaining("database sales: sslMode 'none' (acknowledged)"),
    ]);
    const warning = sales === undefined ? '' : plainTextWarning(sales);
    expect(warning).toContain('--source db.internal:6543/Sales says sslmode=disable');
    expect(warning).not.toContain('s3cret');
  });

  it('takes URLs that allow TLS, leaving the SslMode to the request', () => {
    // Act
    const sources = externalSources([
      'postgres://a:b@h:5433/plain',
      'postgres://a:b@h/preferred?sslmode=prefer',
      'postgres://a:b@h/required?sslmode=require',
    ]);

    // Assess
    expect(
      sources.map((source) => [source.databaseId, source.databaseName, source.port, source.plainText]),
    ).toEqual([
      ['plain', 'plain', 5433, undefined],
      ['preferred', 'preferred', 5432, undefined],
      ['required', 'required', 5432, undefined],
    ]);
  });
});
