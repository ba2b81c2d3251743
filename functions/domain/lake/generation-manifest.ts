/**
 * The record of what a resync froze of a table's generation (docs/lake.md, "Resync"): every key and ETag the
 * folder held when it was copied. Written after the last copy, so its existence says the copy is complete; the
 * prune reads it to tell the previous generation's files from those the reload wrote.
 */
import * as z from 'zod';
import { InvalidInputError } from '#contracts/errors';
import { formatPath } from '#domain/field-path';
import type { StoredObject } from './generations.ts';

const manifestSchema = z.object({
  generation: z.number().int().min(0),
  objects: z.array(z.object({ key: z.string().min(1), etag: z.string() })),
});

export interface GenerationManifest {
  readonly generation: number;
  readonly objects: readonly StoredObject[];
}

/** The manifest as stored, or a clear error naming the object and what is wrong with it. */
export const parseGenerationManifest = (value: unknown, where: string): GenerationManifest => {
  const parsed = manifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`,
  );
  throw new InvalidInputError(`generation manifest ${where} is not valid: ${problems.join('; ')}`);
};
