import { describe, expect, it } from 'vitest';
import { DemoOptionsError } from '#local/demo/options';
import { externalSources } from '#local/demo/sources';

describe('externalSources', () => {
  it('refuses a URL with sslmode=disable, naming the SslMode and not the password', () => {
    // Act
    const act = () =>
      externalSources(['postgres://app:s3cret@db.internal:6543/Sales?sslmode=disable', 'postgres://h/ok']);

    // Assess
    expect(act).toThrow(DemoOptionsError);
    expect(act).toThrow(
      /^--source db\.internal:6543\/Sales: sslmode=disable, but lakeshift reaches every source over TLS \(SslMode require/,
    );
    expect(act).not.toThrow(/s3cret/);
  });

  it('takes URLs that allow TLS, leaving the SslMode to the request', () => {
    // Act
    const sources = externalSources([
      'postgres://a:b@h:5433/plain',
      'postgres://a:b@h/preferred?sslmode=prefer',
      'postgres://a:b@h/required?sslmode=require',
    ]);

    // Assess
    expect(sources.map((source) => [source.databaseId, source.databaseName, source.port])).toEqual([
      ['plain', 'plain', 5433],
      ['preferred', 'preferred', 5432],
      ['required', 'required', 5432],
    ]);
  });
});
