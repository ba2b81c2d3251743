/**
 * Freezes the generation a table resync replaces (docs/lake.md, "Resync"): copies every file of the table's folder
 * under the generations folder, then records their keys and ETags in the generation's manifest. A manifest already
 * there means an earlier attempt copied the generation completely: it is kept, never copied again (the folder may
 * by now hold part of that attempt's reload).
 */
import * as z from 'zod';
import { createRegistry } from '#adapters/registry';
import { copyObject, getJson, listObjects, putJson } from '#adapters/s3';
import { ENV } from '#contracts/env';
import { catalogSourceOf } from '#domain/lake/catalog-source';
import { parseGenerationManifest } from '#domain/lake/generation-manifest';
import {
  freezeCopies,
  generationFolderKey,
  generationManifestKey,
  tableFolderKey,
} from '#domain/lake/generations';
import { requireEnv } from '#shared/env';
import { databaseKey, generation, now, sourceTable } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const FreezeInput = z.object({ ...databaseKey, ...sourceTable, generation, now });

/** Copies in flight at once: enough to keep a table of many small CDC files quick, few enough for S3's rates. */
const COPY_CONCURRENCY = 16;

export const freezeTableGeneration = async (event: unknown) => {
  const input = parseInput(FreezeInput, event);
  const { layout } = catalogSourceOf(await registry.require(input));
  const source = { schema: input.schemaName, table: input.tableName };
  const frozen = input.generation - 1;
  const manifestKey = generationManifestKey(layout, source, frozen);
  const stored = await getJson(layout.bucket, manifestKey);
  if (stored !== undefined) {
    const manifest = parseGenerationManifest(stored, `s3://${layout.bucket}/${manifestKey}`);
    return { frozenGeneration: frozen, objects: manifest.objects.length, copiedBefore: true };
  }
  const folder = tableFolderKey(layout, source);
  const objects = await listObjects(layout.bucket, folder);
  const copies = freezeCopies(objects, folder, generationFolderKey(layout, source, frozen));
  for (let start = 0; start < copies.length; start += COPY_CONCURRENCY) {
    await Promise.all(
      copies
        .slice(start, start + COPY_CONCURRENCY)
        .map((copy) => copyObject(layout.bucket, copy.from, copy.to)),
    );
  }
  await putJson(layout.bucket, manifestKey, { generation: frozen, objects });
  return { frozenGeneration: frozen, objects: objects.length, copiedBefore: false };
};

export const handler = lambdaHandler(freezeTableGeneration);
