/**
 * After the reload (docs/lake.md, "Resync"): deletes from the table's folder the files of the previous generation
 * that are still there as they were frozen (same key, same ETag), so that the folder holds the new generation only
 * before the view reads it again. A file DMS wrote again under an old name has a new ETag and stays.
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { deleteObjects, getJson, listObjects } from '#adapters/s3';
import { ENV } from '#contracts/env';
import { ResourceNotFoundError } from '#contracts/errors';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import { parseGenerationManifest } from '#domain/lake/generation-manifest';
import { generationManifestKey, previousGenerationLeftovers, tableFolderKey } from '#domain/lake/generations';
import { requireEnv } from '#shared/env';
import { databaseKey, generation, now, sourceTable } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const PruneInput = z.object({ ...databaseKey, ...sourceTable, generation, now });

export const pruneTableGeneration = async (event: unknown) => {
  const input = parseInput(PruneInput, event);
  const { layout } = catalogSourceOf(await registry.require(input));
  const source = { schema: input.schemaName, table: input.tableName };
  const manifestKey = generationManifestKey(layout, source, input.generation - 1);
  const stored = await getJson(layout.bucket, manifestKey);
  if (stored === undefined)
    throw new ResourceNotFoundError(
      `no manifest of generation ${input.generation - 1} of ${input.schemaName}.${input.tableName} at s3://${layout.bucket}/${manifestKey}: nothing tells the old load's files from the new one's`,
    );
  const manifest = parseGenerationManifest(stored, `s3://${layout.bucket}/${manifestKey}`);
  const leftovers = previousGenerationLeftovers(
    manifest.objects,
    await listObjects(layout.bucket, tableFolderKey(layout, source)),
  );
  await deleteObjects(layout.bucket, leftovers);
  return { deleted: leftovers.length };
};

export const handler = lambdaHandler(pruneTableGeneration);
