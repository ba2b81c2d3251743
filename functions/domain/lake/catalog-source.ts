/**
 * What the catalog step reads from a database's stored plan: where DMS writes (bucket, folder, timestamp column)
 * and which tables the task selects, so the catalog describes exactly the tables that reach the lake.
 */
import * as z from 'zod';
import { InvalidInputError } from '#contracts/errors';
import { formatPath } from '#domain/field-path';
import { selectionPattern } from '#domain/planner/selection-pattern';
import type { RegistryItem } from '#domain/registry-item';
import type { CatalogLayout, CatalogSourceTable } from './catalog-plan.ts';

const catalogPlanSchema = z.looseObject({
  targetEndpoint: z.looseObject({
    S3Settings: z.looseObject({
      BucketName: z.string().min(1),
      BucketFolder: z.string().min(1),
      TimestampColumnName: z.string().min(1).optional(),
    }),
  }),
  task: z.looseObject({ TableMappings: z.string().min(1) }),
});

const selectionRule = z.looseObject({
  'rule-type': z.string(),
  'rule-action': z.string().optional(),
  'object-locator': z.looseObject({ 'schema-name': z.string(), 'table-name': z.string() }).optional(),
});

export interface CatalogSource {
  readonly layout: CatalogLayout;
  /** True when the task replicates the table (its selection rules; `%` is the only wildcard). */
  readonly selects: (table: { schema: string; table: string }) => boolean;
}

/** Tables DMS itself creates on the source (DDL capture, heartbeats) never reach the lake as tables of the user. */
const DMS_ARTIFACT = /^awsdms_/;

export const catalogSourceOf = (item: RegistryItem): CatalogSource => {
  const parsed = catalogPlanSchema.safeParse(item.plan);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `plan.${formatPath(issue.path)}: ${issue.message}`);
    throw new InvalidInputError(
      `registry item ${item.migrationId}/${item.databaseId} has no catalog layout: ${problems.join('; ')}`,
    );
  }
  const { S3Settings: s3 } = parsed.data.targetEndpoint;
  const rules = z
    .object({ rules: z.array(selectionRule) })
    .parse(JSON.parse(parsed.data.task.TableMappings)).rules;
  const selections = rules.flatMap((rule) =>
    rule['rule-type'] === 'selection' && rule['object-locator']
      ? [
          {
            include: rule['rule-action'] !== 'exclude',
            schema: selectionPattern(rule['object-locator']['schema-name']),
            table: selectionPattern(rule['object-locator']['table-name']),
          },
        ]
      : [],
  );
  return {
    layout: {
      migrationId: item.migrationId,
      databaseId: item.databaseId,
      bucket: s3.BucketName,
      bucketFolder: s3.BucketFolder,
      ...(s3.TimestampColumnName ? { timestampColumn: s3.TimestampColumnName } : {}),
    },
    selects: ({ schema, table }) => {
      if (DMS_ARTIFACT.test(table)) return false;
      const hits = selections.filter((rule) => rule.schema.test(schema) && rule.table.test(table));
      return hits.some((rule) => rule.include) && !hits.some((rule) => !rule.include);
    },
  };
};

export const selectedTables = (
  source: CatalogSource,
  tables: readonly CatalogSourceTable[],
): CatalogSourceTable[] => tables.filter((table) => source.selects(table));
