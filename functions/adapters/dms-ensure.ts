/**
 * Idempotent creates (docs/design.md §1.4). Create first; on `ResourceAlreadyExistsFault` describe the
 * resource with that identifier and compare its `lakeshift:*` tags with the ones we would have put on it:
 * adopt it when they match, fail with `ForeignResourceError` when they do not (someone else's resource, or
 * another migration's).
 */
import type {
  CreateEndpointCommandInput,
  CreateReplicationInstanceCommandInput,
  CreateReplicationTaskCommandInput,
  Endpoint,
  ReplicationInstance,
  ReplicationTask,
  Tag,
} from '@aws-sdk/client-database-migration-service';
import { ForeignResourceError, InvalidInputError, ResourceBusyError } from '#contracts/errors';
import { APP_NAME } from '#contracts/names';
import { findEndpoint, findReplicationInstance, findReplicationTask, listTags } from './dms.ts';
import { type DmsInput, type DmsOperation, type DmsOutput, sendDms } from './dms-call.ts';
import { isFault } from './faults.ts';
import { required } from './responses.ts';
import { dmsCall } from './retry.ts';

export interface Ensured<T> {
  readonly resource: T;
  /** False when an existing resource with matching tags was adopted. */
  readonly created: boolean;
}

const OWNED_TAG_PREFIX = `${APP_NAME}:`;

/** Differences between the `lakeshift:*` tags we expect and those found, one readable line each. */
export const ownershipTagMismatches = (
  expected: readonly Tag[],
  actual: Readonly<Record<string, string>>,
): string[] => {
  const owned = (key: string) => key.startsWith(OWNED_TAG_PREFIX);
  const wanted = new Map(
    expected.flatMap((tag) => (tag.Key && owned(tag.Key) ? [[tag.Key, tag.Value ?? ''] as const] : [])),
  );
  const mismatches: string[] = [];
  for (const [key, value] of wanted) {
    const found = actual[key];
    if (found === undefined) mismatches.push(`${key} expected "${value}", missing`);
    else if (found !== value) mismatches.push(`${key} expected "${value}", found "${found}"`);
  }
  for (const [key, value] of Object.entries(actual)) {
    if (owned(key) && !wanted.has(key)) mismatches.push(`${key} not expected, found "${value}"`);
  }
  return mismatches;
};

const ALREADY_EXISTS = Symbol('ResourceAlreadyExistsFault');

interface EnsureSpec<Operation extends DmsOperation, Resource> {
  readonly kind: string;
  readonly operation: Operation;
  readonly input: DmsInput<Operation>;
  /** Field name and value of the deterministic identifier. */
  readonly identifier: readonly [field: string, value: string | undefined];
  readonly tags: readonly Tag[] | undefined;
  readonly created: (output: DmsOutput<Operation>) => Resource | undefined;
  readonly find: (identifier: string) => Promise<Resource | undefined>;
  readonly arnOf: (resource: Resource) => string | undefined;
  readonly statusOf: (resource: Resource) => string | undefined;
}

/**
 * A resource a teardown is deleting cannot be adopted: a re-run right after a teardown waits (ResourceBusy, which the
 * state machines retry) until it is gone and the create goes through. Any other state is adopted as the previous
 * attempt left it; the waits that follow (available, tested, ready) judge it.
 */
const BEING_DELETED = 'deleting';

const ensure = async <Operation extends DmsOperation, Resource>(
  spec: EnsureSpec<Operation, Resource>,
): Promise<Ensured<Resource>> => {
  const [field, identifier] = spec.identifier;
  if (!identifier)
    throw new InvalidInputError(`${spec.operation}: ${field} is required (lakeshift names every resource)`);
  const output = await dmsCall(spec.operation, async () => {
    try {
      return await sendDms(spec.operation, spec.input);
    } catch (error) {
      // Caught inside the attempt: an existing resource is an answer here, not a fault to classify.
      if (isFault(error, 'ResourceAlreadyExistsFault')) return ALREADY_EXISTS;
      throw error;
    }
  });
  if (output !== ALREADY_EXISTS) {
    return { resource: required(spec.created(output), spec.operation, spec.kind), created: true };
  }
  const existing = await spec.find(identifier);
  const arn = existing && spec.arnOf(existing);
  if (!existing || !arn) {
    // Exists for create, gone for describe: it is being deleted right now. Let the state machine retry later.
    throw new ResourceBusyError(`${spec.kind} "${identifier}" exists but cannot be described yet`);
  }
  const mismatches = ownershipTagMismatches(spec.tags ?? [], await listTags(arn));
  if (mismatches.length > 0) {
    throw new ForeignResourceError(
      `${spec.kind} "${identifier}" (${arn}) already exists and is not this database's: ${mismatches.join('; ')}`,
    );
  }
  if (spec.statusOf(existing) === BEING_DELETED) {
    throw new ResourceBusyError(
      `${spec.kind} "${identifier}" is being deleted; it is created again once it is gone`,
    );
  }
  return { resource: existing, created: false };
};

export const ensureReplicationInstance = (
  input: CreateReplicationInstanceCommandInput,
): Promise<Ensured<ReplicationInstance>> =>
  ensure({
    kind: 'replication instance',
    operation: 'CreateReplicationInstance',
    identifier: ['ReplicationInstanceIdentifier', input.ReplicationInstanceIdentifier],
    tags: input.Tags,
    input,
    created: (output) => output.ReplicationInstance,
    find: findReplicationInstance,
    arnOf: (resource) => resource.ReplicationInstanceArn,
    statusOf: (resource) => resource.ReplicationInstanceStatus,
  });

export const ensureEndpoint = (input: CreateEndpointCommandInput): Promise<Ensured<Endpoint>> =>
  ensure({
    kind: `${input.EndpointType} endpoint`,
    operation: 'CreateEndpoint',
    identifier: ['EndpointIdentifier', input.EndpointIdentifier],
    tags: input.Tags,
    input,
    created: (output) => output.Endpoint,
    find: findEndpoint,
    arnOf: (resource) => resource.EndpointArn,
    statusOf: (resource) => resource.Status,
  });

export const ensureReplicationTask = (
  input: CreateReplicationTaskCommandInput,
): Promise<Ensured<ReplicationTask>> =>
  ensure({
    kind: 'replication task',
    operation: 'CreateReplicationTask',
    identifier: ['ReplicationTaskIdentifier', input.ReplicationTaskIdentifier],
    tags: input.Tags,
    input,
    created: (output) => output.ReplicationTask,
    find: findReplicationTask,
    arnOf: (resource) => resource.ReplicationTaskArn,
    statusOf: (resource) => resource.Status,
  });
