import type { z } from 'zod';
import { InvalidInputError } from '#contracts/errors';
import { formatPath } from '#domain/field-path';

/**
 * Validates a handler's input (from ASL or an event). A mismatch is an `InvalidInputError` naming every field
 * with the rule it broke; it is never retried by the state machines.
 */
export const parseInput = <Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new InvalidInputError(`Invalid handler input: ${problems.join('; ')}`);
};
