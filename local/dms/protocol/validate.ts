/**
 * Checks a request body against the operation's input shape before any state changes: unknown members and missing
 * required members are `ValidationException` (in the wording of AWS's request validation), a member of the wrong JSON
 * type is a `SerializationException`, before any validation problem (AWS deserializes the body before validating it). Enum values and service rules are checked later, per operation.
 */
import { serializationError, validationError } from './errors.ts';
import type { Shape } from './model.ts';

export const validateInput = (shape: Shape, input: unknown, operation: string): void => {
  const problems: string[] = [];
  walk(shape, input, '', problems);
  if (problems.length === 0) return;
  // The body is deserialized before it is validated: a member of the wrong type fails first.
  const typeProblem = problems.find((problem) => problem.startsWith('type:'));
  if (typeProblem) throw serializationError(typeProblem.slice('type:'.length));
  throw validationError(
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected in ${operation}: ${problems.join('; ')}`,
  );
};

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const walk = (shape: Shape, value: unknown, path: string, problems: string[]): void => {
  if (value === null || value === undefined) return;
  const at = path || 'input';
  switch (shape.kind) {
    case 'string':
    case 'blob':
      if (typeof value !== 'string')
        problems.push(`type:Expected a string at '${at}', got ${describe(value)}`);
      return;
    case 'number':
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isFinite(value))
        problems.push(`type:Expected a number at '${at}', got ${describe(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        problems.push(`type:Expected a boolean at '${at}', got ${describe(value)}`);
      return;
    case 'document':
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`type:Expected a list at '${at}', got ${describe(value)}`);
        return;
      }
      const member = shape.member();
      value.forEach((item, index) => {
        walk(member, item, `${path}[${index}]`, problems);
      });
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`type:Expected a map at '${at}', got ${describe(value)}`);
        return;
      }
      const member = shape.value();
      for (const [key, item] of Object.entries(value)) walk(member, item, `${path}.${key}`, problems);
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`type:Expected a structure at '${at}', got ${describe(value)}`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required) {
        if (record[name] === undefined || record[name] === null)
          problems.push(
            `Value null at '${join(path, name)}' failed to satisfy constraint: Member must not be null`,
          );
      }
      for (const [name, item] of Object.entries(record)) {
        const member = shape.members.get(name);
        if (!member) {
          problems.push(`Unknown member '${join(path, name)}' is not part of ${shape.name}`);
          continue;
        }
        walk(member(), item, join(path, name), problems);
      }
      return;
    }
  }
};

const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);
