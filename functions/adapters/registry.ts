/**
 * The registry over DynamoDB: one item per database (pk = migrationId, sk = databaseId) holding its phase, plan,
 * resource ARNs, the stored task token, the resize lock, the per-table resync locks and the resize history. Every write bumps `version` under
 * a condition, so concurrent writers never overwrite each other silently. Time always comes from the caller.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FIRST_ATTEMPT } from '#contracts/attempts';
import {
  AttemptSupersededError,
  IllegalPhaseTransitionError,
  InvalidInputError,
  RegistryConflictError,
  ResizeInProgressError,
  ResourceBusyError,
  ResourceNotFoundError,
  TableResyncInProgressError,
} from '#contracts/errors';
import { isLegalTransition, PHASE_TRANSITIONS, type Phase, RESYNCABLE_PHASE } from '#contracts/phases';
import type { RegistryKey, RegistryPatch } from '#contracts/registry-item';
import { REGISTRY_TABLE } from '#contracts/registry-table';
import type { DatabasePlan } from '#domain/planner/plan';
import { type RegistryItem, registryItemSchema } from '#domain/registry-item';
import type { ResizeHistoryEntry } from '#domain/resize/types';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { documentClient, documentSdk } from './clients.ts';
import { isFault } from './faults.ts';
import { collectPages } from './responses.ts';
import { awsCall } from './retry.ts';

/** Resize decisions kept per database; older ones drop off (the events carry the full record). */
export const MAX_HISTORY_ENTRIES = 50;
/** Failure causes are kept short enough for the item to stay small. */
const MAX_CAUSE_LENGTH = 4_000;
/** Concurrent history appends re-read and retry this many times before reporting a conflict. */
const APPEND_ATTEMPTS = 5;

const CONFLICT = Symbol('ConditionalCheckFailed');

/** Phases a new attempt may begin from. */
const NEW_ATTEMPT_PHASES: readonly Phase[] = ['FAILED', 'DELETED'];
/** What belongs to one attempt's execution and ends with it. */
const ATTEMPT_STATE = [
  'taskToken',
  'lock',
  'tableResyncs',
  'resumePending',
  'fullLoadProgress',
  'failure',
] as const;
/** What named the resources a teardown deleted (the slot was dropped, the imported certificate deleted). */
const DELETED_RESOURCES = [
  'instanceArn',
  'sourceEndpointArn',
  'targetEndpointArn',
  'taskArn',
  'taskResourceId',
  'lastResizeAt',
  'slotsBeforeStart',
  'replicationSlot',
  'slotWatch',
  'sourceCertificate',
] as const;

/** A `now` as one canonical ISO form, so stored instants compare correctly as strings. */
export const toInstant = (value: string, field = 'now'): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field}: must be an ISO date-time, got "${value}"`);
  return new Date(ms).toISOString();
};

const describeKey = (key: RegistryKey): string => `${key.migrationId}/${key.databaseId}`;

const checkKey = (key: RegistryKey): void => {
  const problems = (['migrationId', 'databaseId'] as const).filter(
    (field) => typeof key[field] !== 'string' || key[field].length === 0,
  );
  if (problems.length > 0) {
    throw new InvalidInputError(problems.map((field) => `${field}: must be a non-empty string`).join('; '));
  }
};

const dynamoKey = (key: RegistryKey): Record<string, string> => ({
  [REGISTRY_TABLE.partitionKey]: key.migrationId,
  [REGISTRY_TABLE.sortKey]: key.databaseId,
});

/** `#name` placeholders resolve to attribute names; key and version names come from the contract. */
const attributeNamesIn = (...expressions: (string | undefined)[]): Record<string, string> => {
  const aliases: Record<string, string> = {
    '#pk': REGISTRY_TABLE.partitionKey,
    '#version': REGISTRY_TABLE.versionAttribute,
  };
  const names: Record<string, string> = {};
  for (const token of expressions.join(' ').match(/#\w+/g) ?? []) {
    names[token] = aliases[token] ?? token.slice(1);
  }
  return names;
};

const parseItem = (raw: Record<string, unknown>): RegistryItem => registryItemSchema.parse(raw);

interface Write {
  /** Attributes to set; undefined values are skipped. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** Condition over `#name` placeholders and the given `:values`. */
  readonly condition: string;
  readonly values?: Readonly<Record<string, unknown>>;
  readonly now: string;
  readonly returnOld?: boolean;
}

export interface TransitionOptions {
  readonly now: string;
  /** Fail with RegistryConflictError unless the item is at this version. */
  readonly expectedVersion?: number;
  readonly patch?: RegistryPatch;
}

/** The attempt a registration belongs to, and the request (reduced to the database) it was planned from. */
export interface AttemptOrigin {
  readonly attempt: number;
  readonly request?: Readonly<Record<string, unknown>>;
}

export interface Registry {
  /** Creates the item in REQUESTED; registering the same database again returns the existing item unchanged. */
  register(plan: DatabasePlan, now: string, origin?: AttemptOrigin): Promise<RegistryItem>;
  /**
   * Begins the next attempt of a FAILED or DELETED database: back to REQUESTED with the new plan and request,
   * the dead attempt's wait, lock and progress gone; after a teardown also the ARNs and the slot of the deleted
   * resources. The same attempt again returns the item; an older one is an AttemptSuperseded error.
   */
  beginAttempt(plan: DatabasePlan, now: string, origin: AttemptOrigin): Promise<RegistryItem>;
  get(key: RegistryKey): Promise<RegistryItem | undefined>;
  /** Like `get`, but a missing item is a ResourceNotFoundError. */
  require(key: RegistryKey): Promise<RegistryItem>;
  transition(key: RegistryKey, toPhase: Phase, options: TransitionOptions): Promise<RegistryItem>;
  update(
    key: RegistryKey,
    patch: RegistryPatch,
    options: { readonly now: string; readonly expectedVersion?: number },
  ): Promise<RegistryItem>;
  findByTaskArn(taskArn: string): Promise<RegistryItem | undefined>;
  findByInstanceIdentifier(instanceIdentifier: string): Promise<RegistryItem | undefined>;
  listByMigration(migrationId: string): Promise<RegistryItem[]>;
  /** Every database not DELETED: what the reconciler walks. */
  listActive(): Promise<RegistryItem[]>;
  storeTaskToken(
    key: RegistryKey,
    token: { readonly token: string; readonly waitingFor: string; readonly now: string },
  ): Promise<RegistryItem>;
  /**
   * Removes the stored token if it is still `token` (a newer wait's token is left alone); false when it was gone or
   * replaced. Callers remove a token only once Step Functions took it or answered that it is dead.
   */
  clearTaskToken(
    key: RegistryKey,
    options: { readonly token: string; readonly now: string },
  ): Promise<boolean>;
  /** Takes the lock unless another holder has a live one (ResizeInProgressError); its own lock is renewed. */
  acquireResizeLock(
    key: RegistryKey,
    lock: {
      readonly holder: string;
      readonly now: string;
      readonly ttlSeconds: number;
      /** The execution taking the lock, so that a teardown can stop it. */
      readonly executionArn?: string | undefined;
    },
  ): Promise<RegistryItem>;
  /**
   * Teardown takes the lock whoever holds it, once the database is TEARING_DOWN (RegistryConflictError otherwise);
   * returns the item as it was before, whose lock names the execution to stop.
   */
  seizeResizeLockForTeardown(
    key: RegistryKey,
    lock: { readonly holder: string; readonly now: string; readonly ttlSeconds: number },
  ): Promise<RegistryItem>;
  /** Releases the holder's lock; false when it did not hold it (released already, expired and taken). */
  releaseResizeLock(
    key: RegistryKey,
    lock: { readonly holder: string; readonly now: string },
  ): Promise<boolean>;
  /**
   * Takes the resync lock of one table (`schema.table`) of a database in CDC: refused with
   * TableResyncInProgressError while another holder has a live one, with TeardownInProgressError once teardown
   * began, and with ResourceBusyError in any other phase. Returns the item with the lock.
   */
  acquireTableResyncLock(
    key: RegistryKey,
    lock: {
      readonly table: string;
      readonly holder: string;
      readonly now: string;
      readonly ttlSeconds: number;
      readonly executionArn: string;
    },
  ): Promise<RegistryItem>;
  /**
   * Releases the holder's resync lock of a table, recording the table's new generation when given (a resync that
   * ended with the view switched); false when the holder did not hold it.
   */
  releaseTableResyncLock(
    key: RegistryKey,
    release: {
      readonly table: string;
      readonly holder: string;
      readonly now: string;
      readonly generation?: number | undefined;
    },
  ): Promise<boolean>;
  /** Marks a database whose task a failed resize left stopped: the reconciler resumes it. */
  markResumePending(
    key: RegistryKey,
    pending: { readonly error: string; readonly cause: string; readonly now: string },
  ): Promise<RegistryItem>;
  /** Appends one decision, keeping the latest MAX_HISTORY_ENTRIES. */
  appendHistory(key: RegistryKey, entry: ResizeHistoryEntry): Promise<RegistryItem>;
  /** Moves to FAILED (or refreshes the failure of an item already FAILED) with the error and its cause. */
  recordFailure(
    key: RegistryKey,
    failure: { readonly error: string; readonly cause: string; readonly now: string },
  ): Promise<RegistryItem>;
}

export const createRegistry = (options: {
  readonly tableName: string;
  readonly client?: DynamoDBDocumentClient;
}): Registry => {
  const { tableName } = options;
  const { client: given } = options;
  const clientOf = (): Promise<DynamoDBDocumentClient> => (given ? Promise.resolve(given) : documentClient());
  if (!tableName) throw new InvalidInputError('tableName: must be a non-empty string');

  /** One conditional UpdateItem that also bumps the version; CONFLICT when the condition failed. */
  const write = (
    key: RegistryKey,
    operation: string,
    spec: Write,
  ): Promise<Record<string, unknown> | typeof CONFLICT> => {
    const fields = Object.entries({ ...spec.set, updatedAt: toInstant(spec.now) }).filter(
      ([, value]) => value !== undefined,
    );
    const setClauses = [...fields.map(([name]) => `#${name} = :${name}`), '#version = #version + :one'];
    const removeClause = spec.remove?.length
      ? ` REMOVE ${spec.remove.map((name) => `#${name}`).join(', ')}`
      : '';
    const updateExpression = `SET ${setClauses.join(', ')}${removeClause}`;
    const condition = `attribute_exists(#pk) AND (${spec.condition})`;
    return awsCall(operation, async () => {
      try {
        const output = await (await clientOf()).send(
          new (await documentSdk()).UpdateCommand({
            TableName: tableName,
            Key: dynamoKey(key),
            UpdateExpression: updateExpression,
            ConditionExpression: condition,
            ExpressionAttributeNames: attributeNamesIn(updateExpression, condition),
            ExpressionAttributeValues: {
              ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
              ':one': 1,
              ...spec.values,
            },
            ReturnValues: spec.returnOld ? 'ALL_OLD' : 'ALL_NEW',
          }),
        );
        return output.Attributes ?? {};
      } catch (error) {
        // Caught inside the attempt: a failed condition is an answer, not a fault to retry or classify.
        if (isFault(error, 'ConditionalCheckFailedException')) return CONFLICT;
        throw error;
      }
    });
  };

  const get = async (key: RegistryKey): Promise<RegistryItem | undefined> => {
    checkKey(key);
    const output = await awsCall('GetItem', async () =>
      (await clientOf()).send(
        new (await documentSdk()).GetCommand({
          TableName: tableName,
          Key: dynamoKey(key),
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item ? parseItem(output.Item) : undefined;
  };

  const requireItem = async (key: RegistryKey): Promise<RegistryItem> => {
    const item = await get(key);
    if (!item) throw new ResourceNotFoundError(`registry: no database ${describeKey(key)}`);
    return item;
  };

  const conflict = (key: RegistryKey, what: string): RegistryConflictError =>
    new RegistryConflictError(`registry: ${describeKey(key)} changed while ${what}; re-read and retry`);

  const patchAttributes = (patch: RegistryPatch | undefined): Record<string, unknown> => ({
    ...patch,
    ...(patch?.taskArn ? { taskResourceId: patch.taskArn.split(':').pop() } : {}),
  });

  /** Versioned write against the version just read. */
  const writeAt = async (
    key: RegistryKey,
    operation: string,
    version: number,
    spec: Omit<Write, 'condition' | 'values'>,
    what: string,
  ): Promise<RegistryItem> => {
    const result = await write(key, operation, {
      ...spec,
      condition: '#version = :expectedVersion',
      values: { ':expectedVersion': version },
    });
    if (result === CONFLICT) throw conflict(key, what);
    return parseItem(result);
  };

  const lockOf = (holder: string, now: string, ttlSeconds: number, executionArn: string | undefined) => {
    if (!holder) throw new InvalidInputError('holder: must be a non-empty string');
    if (!(ttlSeconds > 0)) throw new InvalidInputError(`ttlSeconds: must be > 0, got ${ttlSeconds}`);
    const at = toInstant(now);
    const expiresAt = new Date(Date.parse(at) + ttlSeconds * 1000).toISOString();
    return { at, lock: { holder, acquiredAt: at, expiresAt, ...(executionArn ? { executionArn } : {}) } };
  };

  const findByIndex = async (
    index: { readonly name: string; readonly partitionKey: string },
    value: string,
  ): Promise<RegistryItem | undefined> => {
    const output = await awsCall('Query', async () =>
      (await clientOf()).send(
        new (await documentSdk()).QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#key = :value',
          ExpressionAttributeNames: { '#key': index.partitionKey },
          ExpressionAttributeValues: { ':value': value },
          Limit: 1,
        }),
      ),
    );
    const found = output.Items?.[0];
    if (!found) return undefined;
    return get({
      migrationId: String(found[REGISTRY_TABLE.partitionKey]),
      databaseId: String(found[REGISTRY_TABLE.sortKey]),
    });
  };

  const collect = async (
    operation: string,
    page: (startKey: Record<string, unknown> | undefined) => Promise<{
      Items?: Record<string, unknown>[];
      LastEvaluatedKey?: Record<string, unknown>;
    }>,
  ): Promise<RegistryItem[]> => {
    const raw = await collectPages(async (startKey: Record<string, unknown> | undefined) => {
      const output = await awsCall(operation, () => page(startKey));
      return { items: output.Items, next: output.LastEvaluatedKey };
    });
    return raw.map(parseItem);
  };

  return {
    register: async (plan, now, { attempt, request } = { attempt: FIRST_ATTEMPT }) => {
      const key = { migrationId: plan.migrationId, databaseId: plan.databaseId };
      checkKey(key);
      const at = toInstant(now);
      const item: RegistryItem = {
        migrationId: plan.migrationId,
        databaseId: plan.databaseId,
        phase: 'REQUESTED',
        version: 1,
        attempt,
        ...(request === undefined ? {} : { request: { ...request } }),
        plan,
        instanceIdentifier: plan.identifiers.instance.toLowerCase(),
        currentClass: plan.instance.ReplicationInstanceClass,
        history: [],
        createdAt: at,
        updatedAt: at,
        phaseChangedAt: at,
      };
      const created = await awsCall('PutItem', async () => {
        try {
          await (await clientOf()).send(
            new (await documentSdk()).PutCommand({
              TableName: tableName,
              Item: { ...dynamoKey(key), ...item },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': REGISTRY_TABLE.partitionKey },
            }),
          );
          return true;
        } catch (error) {
          if (isFault(error, 'ConditionalCheckFailedException')) return false;
          throw error;
        }
      });
      return created ? item : requireItem(key);
    },

    beginAttempt: async (plan, now, { attempt, request }) => {
      const key = { migrationId: plan.migrationId, databaseId: plan.databaseId };
      const current = await requireItem(key);
      if (current.attempt === attempt) return current;
      if (current.attempt > attempt) {
        throw new AttemptSupersededError(
          `registry: ${describeKey(key)} is on attempt ${current.attempt}; attempt ${attempt} does not run`,
        );
      }
      if (attempt !== current.attempt + 1 || !NEW_ATTEMPT_PHASES.includes(current.phase)) {
        throw new IllegalPhaseTransitionError(
          `registry: ${describeKey(key)} is ${current.phase} on attempt ${current.attempt}: attempt ${attempt} may begin only after attempt ${attempt - 1} FAILED or was DELETED`,
        );
      }
      const at = toInstant(now);
      const deleted = current.phase === 'DELETED';
      return writeAt(
        key,
        'UpdateItem',
        current.version,
        {
          set: {
            phase: 'REQUESTED' satisfies Phase,
            phaseChangedAt: at,
            attempt,
            request: request === undefined ? undefined : { ...request },
            plan,
            // A retry adopts the instance on whatever class it has; a re-run creates it on the plan's class.
            ...(deleted ? { currentClass: plan.instance.ReplicationInstanceClass } : {}),
          },
          remove: [...ATTEMPT_STATE, ...(deleted ? DELETED_RESOURCES : [])].filter(
            (name) => current[name] !== undefined,
          ),
          now: at,
        },
        `beginning attempt ${attempt}`,
      );
    },

    get,
    require: requireItem,

    transition: async (key, toPhase, { now, expectedVersion, patch }) => {
      const current = await requireItem(key);
      if (current.phase === toPhase) return current;
      if (!isLegalTransition(current.phase, toPhase)) {
        const allowed = PHASE_TRANSITIONS[current.phase];
        throw new IllegalPhaseTransitionError(
          `registry: ${describeKey(key)} cannot go from ${current.phase} to ${toPhase} (allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
        );
      }
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw conflict(key, `expected version ${expectedVersion}, found ${current.version}`);
      }
      const at = toInstant(now);
      return writeAt(
        key,
        'UpdateItem',
        current.version,
        {
          set: { ...patchAttributes(patch), phase: toPhase, phaseChangedAt: at },
          // Back in CDC, nothing waits to be resumed any more.
          ...(toPhase === 'CDC' && current.resumePending ? { remove: ['resumePending'] } : {}),
          now: at,
        },
        `moving to ${toPhase}`,
      );
    },

    update: async (key, patch, { now, expectedVersion }) => {
      const version = expectedVersion ?? (await requireItem(key)).version;
      return writeAt(key, 'UpdateItem', version, { set: patchAttributes(patch), now }, 'updating');
    },

    findByTaskArn: (taskArn) => findByIndex(REGISTRY_TABLE.byTaskArnIndex, taskArn),

    findByInstanceIdentifier: (instanceIdentifier) =>
      findByIndex(REGISTRY_TABLE.byInstanceIndex, instanceIdentifier.toLowerCase()),

    listByMigration: (migrationId) =>
      collect('Query', async (startKey) =>
        (await clientOf()).send(
          new (await documentSdk()).QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :migrationId',
            ExpressionAttributeNames: { '#pk': REGISTRY_TABLE.partitionKey },
            ExpressionAttributeValues: { ':migrationId': migrationId },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      ),

    listActive: () =>
      collect('Scan', async (startKey) =>
        (await clientOf()).send(
          new (await documentSdk()).ScanCommand({
            TableName: tableName,
            // Only databases have a phase: the shared DMS API budget's item lives in the same table.
            FilterExpression: 'attribute_exists(#phase) AND #phase <> :deleted',
            ExpressionAttributeNames: { '#phase': 'phase' },
            ExpressionAttributeValues: { ':deleted': 'DELETED' satisfies Phase },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      ),

    storeTaskToken: async (key, { token, waitingFor, now }) => {
      checkKey(key);
      const at = toInstant(now);
      const result = await write(key, 'UpdateItem', {
        set: { taskToken: { token, waitingFor, storedAt: at } },
        condition: 'attribute_exists(#phase)',
        now: at,
      });
      if (result === CONFLICT) throw new ResourceNotFoundError(`registry: no database ${describeKey(key)}`);
      return parseItem(result);
    },

    clearTaskToken: async (key, { token, now }) => {
      checkKey(key);
      const result = await write(key, 'UpdateItem', {
        remove: ['taskToken'],
        condition: '#taskToken.#token = :token',
        values: { ':token': token },
        now,
      });
      return result !== CONFLICT;
    },

    acquireResizeLock: async (key, { holder, now, ttlSeconds, executionArn }) => {
      checkKey(key);
      const { at, lock } = lockOf(holder, now, ttlSeconds, executionArn);
      const result = await write(key, 'UpdateItem', {
        set: { lock },
        condition: 'attribute_not_exists(#lock) OR #lock.#expiresAt <= :now OR #lock.#holder = :holder',
        values: { ':now': at, ':holder': holder },
        now: at,
      });
      if (result !== CONFLICT) return parseItem(result);
      const current = await requireItem(key);
      throw new ResizeInProgressError(
        `registry: ${describeKey(key)} is being resized by ${current.lock?.holder ?? 'another holder'} until ${current.lock?.expiresAt ?? 'unknown'}`,
      );
    },

    seizeResizeLockForTeardown: async (key, { holder, now, ttlSeconds }) => {
      checkKey(key);
      const { at, lock } = lockOf(holder, now, ttlSeconds, undefined);
      const result = await write(key, 'UpdateItem', {
        set: { lock },
        condition: '#phase = :tearingDown',
        values: { ':tearingDown': 'TEARING_DOWN' },
        now: at,
        returnOld: true,
      });
      if (result === CONFLICT) throw conflict(key, 'taking the resize lock for teardown (not TEARING_DOWN)');
      return parseItem(result);
    },

    releaseResizeLock: async (key, { holder, now }) => {
      checkKey(key);
      const result = await write(key, 'UpdateItem', {
        remove: ['lock'],
        condition: '#lock.#holder = :holder',
        values: { ':holder': holder },
        now,
      });
      return result !== CONFLICT;
    },

    acquireTableResyncLock: async (key, { table, holder, now, ttlSeconds, executionArn }) => {
      checkKey(key);
      for (let attempt = 1; ; attempt++) {
        const current = await requireItem(key);
        refuseDuringTeardown(current, `resync of ${table}`);
        if (current.phase !== RESYNCABLE_PHASE)
          throw new ResourceBusyError(
            `${describeKey(key)} is ${current.phase}; ${table} can be resynced only in ${RESYNCABLE_PHASE}`,
          );
        const held = current.tableResyncs?.[table];
        const { at, lock } = lockOf(holder, now, ttlSeconds, executionArn);
        if (held && held.holder !== holder && held.expiresAt > at)
          throw new TableResyncInProgressError(
            `${describeKey(key)}: ${table} is being resynced by ${held.executionArn ?? held.holder} (lock until ${held.expiresAt}); wait for it to end`,
          );
        const result = await write(key, 'UpdateItem', {
          set: { tableResyncs: { ...current.tableResyncs, [table]: lock } },
          condition: '#version = :expectedVersion AND #phase = :resyncable',
          values: { ':expectedVersion': current.version, ':resyncable': RESYNCABLE_PHASE },
          now: at,
        });
        if (result !== CONFLICT) return parseItem(result);
        if (attempt >= APPEND_ATTEMPTS) throw conflict(key, `taking the resync lock of ${table}`);
      }
    },

    releaseTableResyncLock: async (key, { table, holder, now, generation }) => {
      checkKey(key);
      for (let attempt = 1; ; attempt++) {
        const current = await requireItem(key);
        if (current.tableResyncs?.[table]?.holder !== holder) return false;
        const { [table]: _released, ...others } = current.tableResyncs;
        const result = await write(key, 'UpdateItem', {
          set: {
            tableResyncs: others,
            ...(generation === undefined
              ? {}
              : { tableGenerations: { ...current.tableGenerations, [table]: generation } }),
          },
          condition: '#version = :expectedVersion',
          values: { ':expectedVersion': current.version },
          now,
        });
        if (result !== CONFLICT) return true;
        if (attempt >= APPEND_ATTEMPTS) throw conflict(key, `releasing the resync lock of ${table}`);
      }
    },

    markResumePending: async (key, { error, cause, now }) => {
      const current = await requireItem(key);
      const at = toInstant(now);
      const resumePending = {
        since: current.resumePending?.since ?? at,
        error,
        cause: cause.slice(0, MAX_CAUSE_LENGTH),
      };
      return writeAt(
        key,
        'UpdateItem',
        current.version,
        { set: { resumePending }, now: at },
        'marking a resume pending',
      );
    },

    appendHistory: async (key, entry) => {
      for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
        const current = await requireItem(key);
        const history = [...current.history, entry].slice(-MAX_HISTORY_ENTRIES);
        const result = await write(key, 'UpdateItem', {
          set: { history },
          condition: '#version = :expectedVersion',
          values: { ':expectedVersion': current.version },
          now: entry.at,
        });
        if (result !== CONFLICT) return parseItem(result);
      }
      throw conflict(key, 'appending to the resize history');
    },

    recordFailure: async (key, { error, cause, now }) => {
      const current = await requireItem(key);
      if (current.phase !== 'FAILED' && !isLegalTransition(current.phase, 'FAILED')) {
        throw new IllegalPhaseTransitionError(
          `registry: ${describeKey(key)} cannot record a failure in phase ${current.phase}`,
        );
      }
      const at = toInstant(now);
      const failure = {
        error,
        cause: cause.slice(0, MAX_CAUSE_LENGTH),
        at,
        phase: current.phase === 'FAILED' ? (current.failure?.phase ?? 'FAILED') : current.phase,
      };
      const phaseChange =
        current.phase === 'FAILED' ? {} : { phase: 'FAILED' satisfies Phase, phaseChangedAt: at };
      return writeAt(
        key,
        'UpdateItem',
        current.version,
        { set: { ...phaseChange, failure }, now: at },
        'recording a failure',
      );
    },
  };
};
