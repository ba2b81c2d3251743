import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { GLUE_DATABASE_PREFIX } from '#contracts/lake';
import { acknowledgeWildcards } from '../nag/wildcards.ts';
import { LAKE_CATALOG_READ_ACTIONS, lakeCatalogArns } from './handler-statements.ts';

/**
 * Lets the lake's reader roles read lakeshift's Glue databases, tables and views, which Athena needs besides the
 * bucket (the bucket policy admits the same roles). Starting queries is the workgroup owner's grant, not ours.
 */
export const grantCatalogRead = (scope: Construct, readerRoleArns: readonly string[]): void => {
  readerRoleArns.forEach((arn, index) => {
    const role = iam.Role.fromRoleArn(scope, `LakeReader${index}`, arn);
    const statement = new iam.PolicyStatement({
      sid: 'ReadLakeCatalog',
      actions: [...LAKE_CATALOG_READ_ACTIONS],
      resources: lakeCatalogArns(scope),
    });
    const policy = new iam.Policy(scope, `LakeReader${index}CatalogRead`, {
      roles: [role],
      statements: [statement],
    });
    acknowledgeWildcards(
      policy,
      statement,
      `Glue databases are created per migrated database; reads cover only names starting with "${GLUE_DATABASE_PREFIX}".`,
    );
  });
};
