import * as sdk from '@aws-sdk/client-database-migration-service';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATIONS } from '#local/dms/operations';
import { operationInput, type Shape } from '#local/dms/protocol/model';
import { enumMembersOf } from '#local/dms/protocol/model-enums';
import { AwsServiceError } from '#local/http/service';
import { type Harness, startHarness } from './support/harness.ts';

let harness: Harness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

/** Every operation of the DMS model the SDK ships (its operation schemas), generated, not typed by hand. */
const MODEL_OPERATIONS = Object.entries(sdk as unknown as Record<string, unknown>)
  .filter(([name, schema]) => name.endsWith('$') && Array.isArray(schema) && schema[0] === 9)
  .map(([name]) => name.slice(0, -1))
  .sort();
const IMPLEMENTED = Object.keys(OPERATIONS).sort();
const UNIMPLEMENTED = MODEL_OPERATIONS.filter((operation) => !IMPLEMENTED.includes(operation));

/** The error type a request gets, or `ok`. */
const answer = async (operation: string, input: Record<string, unknown>): Promise<string> => {
  harness ??= await startHarness();
  try {
    await harness.emulator.handle(operation, input);
    return 'ok';
  } catch (error) {
    if (error instanceof AwsServiceError) return `${error.type}: ${error.message}`;
    throw error;
  }
};

const structureOf = (operation: string): Extract<Shape, { kind: 'structure' }> => {
  const shape = operationInput(operation);
  if (shape?.kind !== 'structure') throw new Error(`${operation} has no input structure in the model`);
  return shape;
};

/** A value of this shape that passes validation: required members filled, enum members with a model value. */
const minimalValue = (shape: Shape, enumValues: ReadonlyMap<string, string>, path: string): unknown => {
  switch (shape.kind) {
    case 'string':
    case 'blob':
      return enumValues.get(path) ?? 'x';
    case 'number':
    case 'timestamp':
      return 1;
    case 'boolean':
      return true;
    case 'list':
      return [];
    case 'map':
    case 'document':
      return {};
    case 'structure':
      return Object.fromEntries(
        shape.required.map((name) => {
          const member = shape.members.get(name);
          const at = path ? `${path}.${name}` : name;
          return [name, member ? minimalValue(member(), enumValues, at) : 'x'];
        }),
      );
  }
};

/** A JSON value of the wrong type for a member of this shape. */
const wrongTypeFor = (shape: Shape): unknown => (shape.kind === 'string' || shape.kind === 'blob' ? 7 : 'x');

describe('the DMS emulator against the model in @aws-sdk/client-database-migration-service', () => {
  it('implements only operations the model has, and answers every other model operation with InvalidAction', async () => {
    // Act
    const answers = await Promise.all(UNIMPLEMENTED.map((operation) => answer(operation, {})));

    // Assess
    expect(IMPLEMENTED.filter((operation) => !MODEL_OPERATIONS.includes(operation))).toEqual([]);
    expect(UNIMPLEMENTED.length).toBeGreaterThan(50);
    expect(answers.filter((text) => !text.startsWith('InvalidAction:'))).toEqual([]);
  });

  it.each(IMPLEMENTED)(
    '%s: refuses a request without the model’s required members, naming each',
    async (operation) => {
      // Prepare
      const required = structureOf(operation).required;

      // Act
      const text = await answer(operation, {});

      // Assess
      if (required.length === 0) {
        expect(text).not.toMatch(/^ValidationException/);
      } else {
        expect(text).toMatch(/^ValidationException: /);
        for (const member of required) expect(text).toContain(`'${member}' failed to satisfy constraint`);
      }
    },
  );

  it.each(IMPLEMENTED)(
    '%s: refuses an unknown member and a wrong type for every member',
    async (operation) => {
      // Prepare
      const members = [...structureOf(operation).members];

      // Act
      const unknown = await answer(operation, { NotAMemberOfTheModel: 'x' });
      const wrongTypes = await Promise.all(
        members
          .filter(([, ref]) => ref().kind !== 'document')
          .map(
            async ([name, ref]) => [name, await answer(operation, { [name]: wrongTypeFor(ref()) })] as const,
          ),
      );

      // Assess
      expect(unknown).toContain(`ValidationException: `);
      expect(unknown).toContain(`Unknown member 'NotAMemberOfTheModel'`);
      expect(wrongTypes.filter(([, text]) => !text.startsWith('SerializationException:'))).toEqual([]);
    },
  );

  it.each(IMPLEMENTED.filter((operation) => enumMembersOf(operation).length > 0))(
    '%s: refuses a value outside each enum member’s values, naming the member',
    async (operation) => {
      // Prepare
      const members = enumMembersOf(operation);
      const validValues = new Map(members.map((member) => [member.path, member.values[0] ?? 'x']));
      const shape = structureOf(operation);
      const base = minimalValue(shape, validValues, '') as Record<string, unknown>;
      const nestedMinimal = (head: string) => {
        const member = shape.members.get(head);
        return member ? (minimalValue(member(), validValues, head) as object) : {};
      };

      // Act
      const answers = await Promise.all(
        members.map(async (member) => {
          const [head = '', nested] = member.path.split('.');
          const value = 'not-a-model-value';
          const input = nested
            ? { ...base, [head]: { ...nestedMinimal(head), [nested]: value } }
            : { ...base, [head]: value };
          return [member.path, await answer(operation, input)] as const;
        }),
      );

      // Assess
      for (const [path, text] of answers) {
        expect(text).toMatch(
          new RegExp(
            `^InvalidParameterValueException: Invalid value 'not-a-model-value' for ${path.replace('.', '\\.')}`,
          ),
        );
      }
    },
  );
});
