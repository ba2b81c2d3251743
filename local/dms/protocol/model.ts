/**
 * The request shapes of the DMS API, read from the schemas the AWS SDK ships (the same Smithy model the service is
 * generated from), so the emulator accepts exactly the members DMS accepts, without a hand-copied list.
 *
 * The SDK encodes schemas as compact tuples: a structure is `[3, namespace, name, traits, memberNames, memberSchemas,
 * requiredCount]` (required members first), a list `[1, ns, name, traits, member]`, a map `[2, ns, name, traits, key,
 * value]`, a union `[4, ...]` like a structure, a named simple type `[0, ns, name, traits, type]`, an operation
 * `[9, ns, name, traits, input, output]`. Simple types are numbers: 0 string, 1 number, 2 boolean, 4–7 timestamp,
 * 15 document, 21 blob; `64 | t` is a list of `t`, `128 | t` a map of `t`. References are thunks.
 */
import * as sdk from '@aws-sdk/client-database-migration-service';

export type Shape =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'timestamp' | 'document' | 'blob' }
  | { readonly kind: 'list'; readonly member: () => Shape }
  | { readonly kind: 'map'; readonly value: () => Shape }
  | {
      readonly kind: 'structure';
      readonly name: string;
      readonly members: ReadonlyMap<string, () => Shape>;
      readonly required: readonly string[];
    };

export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

const SIMPLE: Record<number, Shape> = {
  0: { kind: 'string' },
  1: { kind: 'number' },
  2: { kind: 'boolean' },
  4: { kind: 'timestamp' },
  5: { kind: 'timestamp' },
  6: { kind: 'timestamp' },
  7: { kind: 'timestamp' },
  15: { kind: 'document' },
  21: { kind: 'blob' },
};
const LIST_MODIFIER = 64;
const MAP_MODIFIER = 128;

const cache = new WeakMap<object, Shape>();

/** Turns one SDK schema reference into a Shape. */
/** An operation without input or output names Smithy's `unit`: an empty structure. */
const UNIT: Shape = { kind: 'structure', name: 'Unit', members: new Map(), required: [] };

const toShape = (schema: unknown): Shape => {
  if (typeof schema === 'function') return toShape((schema as () => unknown)());
  if (schema === 'unit') return UNIT;
  if (typeof schema === 'number') return simpleShape(schema);
  if (!Array.isArray(schema)) throw new ModelFormatError(`unexpected schema ${String(schema)}`);
  const cached = cache.get(schema);
  if (cached) return cached;
  const shape = compoundShape(schema);
  cache.set(schema, shape);
  return shape;
};

const simpleShape = (code: number): Shape => {
  if (code & MAP_MODIFIER) return { kind: 'map', value: () => simpleShape(code & ~MAP_MODIFIER) };
  if (code & LIST_MODIFIER) return { kind: 'list', member: () => simpleShape(code & ~LIST_MODIFIER) };
  const shape = SIMPLE[code];
  if (!shape) throw new ModelFormatError(`unknown simple schema code ${code}`);
  return shape;
};

/** A member schema is either a schema or `[schema, memberTraits]`. */
const memberRef = (member: unknown): (() => Shape) => {
  const target = Array.isArray(member) && member.length === 2 && !isCompound(member) ? member[0] : member;
  let resolved: Shape | undefined;
  return () => {
    resolved ??= toShape(target);
    return resolved;
  };
};

const isCompound = (value: unknown[]): boolean =>
  typeof value[0] === 'number' && typeof value[2] === 'string';

const compoundShape = (schema: unknown[]): Shape => {
  const [kind, , name] = schema;
  switch (kind) {
    case 0:
      return toShape(schema[4]);
    case 1:
      return { kind: 'list', member: memberRef(schema[4]) };
    case 2:
      return { kind: 'map', value: memberRef(schema[5]) };
    case 3:
    case 4: {
      const names = schema[4] as string[];
      const refs = schema[5] as unknown[];
      const requiredCount = typeof schema[6] === 'number' ? schema[6] : 0;
      return {
        kind: 'structure',
        name: String(name),
        members: new Map(names.map((member, index) => [member, memberRef(refs[index])])),
        required: names.slice(0, requiredCount),
      };
    }
    default:
      throw new ModelFormatError(`unsupported schema kind ${String(kind)} (${String(name)})`);
  }
};

const exported = sdk as unknown as Record<string, unknown>;

/** The input shape of a DMS operation, or undefined when the API has no such operation. */
export const operationInput = (operation: string): Shape | undefined => {
  const schema = exported[`${operation}$`];
  if (!Array.isArray(schema) || schema[0] !== 9) return undefined;
  return toShape(schema[4]);
};
