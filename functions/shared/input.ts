import type { z } from 'zod';
import { InvalidInputError } from '#contracts/errors';

/** `plan.task.TableMappings`, `endpointArns[1]`: the field's path as a reader would write it. */
export const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('') || '(input)';

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
