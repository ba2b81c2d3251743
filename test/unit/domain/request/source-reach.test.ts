import { describe, expect, it } from 'vitest';
import { parseMigrationRequest } from '#domain/request/index';
import { sourceReachWarnings } from '#domain/request/source-reach';
import { minimalRequest, withValue } from './fixtures.ts';

describe('Function: sourceReachWarnings', () => {
  it("warns for a database with a subnet group of its own and no network name: lakeshift's source handlers reach it from default", () => {
    // Prepare
    const elsewhere = withValue(
      withValue(minimalRequest(), 'defaults.network', { name: 'eu' }),
      'databases.0.network',
      { replicationSubnetGroupId: 'shop-subnets' },
    );
    // Act
    const warnings = sourceReachWarnings(parseMigrationRequest(elsewhere));
    // Assess
    expect(warnings).toEqual([
      expect.stringMatching(
        /^database \S+: the replication instance uses a subnet group or security groups of its own, but lakeshift's source handlers reach the source from network "default"; unless that network reaches the source, lakeshift cannot record, watch or drop/,
      ),
    ]);
  });

  it('says nothing for databases in a named network, default or another: that network runs their source handlers', () => {
    // Prepare
    const named = withValue(minimalRequest(), 'defaults.network', { name: 'default' });
    const other = withValue(minimalRequest(), 'defaults.network', { name: 'eu' });
    // Act
    const warnings = [
      ...sourceReachWarnings(parseMigrationRequest(minimalRequest())),
      ...sourceReachWarnings(parseMigrationRequest(named)),
      ...sourceReachWarnings(parseMigrationRequest(other)),
    ];
    // Assess
    expect(warnings).toEqual([]);
  });
});
