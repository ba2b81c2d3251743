import { describe, expect, it } from 'vitest';
import { parseMigrationRequest } from '#domain/request/index';
import { sourceReachWarnings } from '#domain/request/source-reach';
import { minimalRequest, withValue } from './fixtures.ts';

describe('Function: sourceReachWarnings', () => {
  it("warns for each database placed outside the default network, where lakeshift's slot handlers may not reach", () => {
    // Prepare
    const elsewhere = withValue(
      withValue(minimalRequest(), 'defaults.network', { name: 'eu' }),
      'databases.0.network',
      { replicationSubnetGroupId: 'shop-subnets' },
    );
    // Act
    const warnings = sourceReachWarnings(parseMigrationRequest(elsewhere));
    const inheriting = sourceReachWarnings(
      parseMigrationRequest(withValue(minimalRequest(), 'defaults.network', { name: 'eu' })),
    );
    // Assess
    expect(warnings).toEqual([
      expect.stringMatching(
        /^database \S+: its replication instance uses a subnet group or security groups of its own, but lakeshift's slot handlers run in network "default"; unless that network reaches the source, lakeshift cannot record, watch or drop/,
      ),
    ]);
    expect(inheriting).toEqual([expect.stringContaining('its replication instance uses network "eu"')]);
  });

  it('says nothing for databases in the default network, named or not', () => {
    // Prepare
    const named = withValue(minimalRequest(), 'defaults.network', { name: 'default' });
    // Act
    const warnings = [
      ...sourceReachWarnings(parseMigrationRequest(minimalRequest())),
      ...sourceReachWarnings(parseMigrationRequest(named)),
    ];
    // Assess
    expect(warnings).toEqual([]);
  });
});
