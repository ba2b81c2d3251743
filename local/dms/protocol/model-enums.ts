/**
 * Which request members are enums, and of which enum, as the DMS model the AWS SDK ships says. The SDK's runtime
 * schemas type enum members as plain strings; the binding of a member to its enum ships in the package's type
 * declarations (`dist-types/models/models_*.d.ts`: `MigrationType?: MigrationTypeValue | undefined`), and the values
 * in its generated enum objects. Both are read from the installed package, so a newer model changes the checks.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as sdk from '@aws-sdk/client-database-migration-service';
import { operationInput, type Shape } from './model.ts';

const exported = sdk as unknown as Record<string, unknown>;

const isEnumObject = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((item) => typeof item === 'string');

const declarationsDir = (): string => {
  const entry = createRequire(import.meta.url).resolve('@aws-sdk/client-database-migration-service');
  return join(dirname(entry), '..', 'dist-types', 'models');
};

let index: ReadonlyMap<string, string> | undefined;

/** `Structure.member` → enum name, for every scalar enum member the declarations give. */
const enumIndex = (): ReadonlyMap<string, string> => {
  if (index) return index;
  const found = new Map<string, string>();
  for (const file of ['models_0.d.ts', 'models_1.d.ts']) {
    let structure = '';
    for (const line of readFileSync(join(declarationsDir(), file), 'utf8').split('\n')) {
      const opened = /^export interface (\w+)/.exec(line);
      if (opened?.[1]) {
        structure = opened[1];
        continue;
      }
      const member = /^\s+(\w+)\??: (\w+) \| undefined;/.exec(line);
      if (member?.[1] && member[2] && structure && isEnumObject(exported[member[2]])) {
        found.set(`${structure}.${member[1]}`, member[2]);
      }
    }
  }
  index = found;
  return found;
};

export interface EnumMember {
  /** Dotted path from the request root, e.g. `S3Settings.DataFormat`. */
  readonly path: string;
  readonly enumName: string;
  readonly values: readonly string[];
}

/** Every enum member an operation's request can carry (through nested structures), per the model. */
export const enumMembersOf = (operation: string): EnumMember[] => {
  const shape = operationInput(operation);
  const members: EnumMember[] = [];
  const walk = (node: Shape, prefix: string, seen: ReadonlySet<string>): void => {
    if (node.kind !== 'structure' || seen.has(node.name)) return;
    const inside = new Set([...seen, node.name]);
    for (const [name, ref] of node.members) {
      const enumName = enumIndex().get(`${node.name}.${name}`);
      if (enumName) {
        members.push({
          path: `${prefix}${name}`,
          enumName,
          values: Object.values(exported[enumName] as Record<string, string>),
        });
      } else {
        walk(ref(), `${prefix}${name}.`, inside);
      }
    }
  };
  if (shape) walk(shape, '', new Set());
  return members;
};
