/**
 * The registry's item: one per database, as stored in DynamoDB and as the registry returns it. The plan it keeps
 * and the decisions in its history are the domain's types (`#domain/registry-item` binds them); here they are
 * JSON objects, so the contract names no type above it.
 */
import * as z from 'zod';
import { PHASES } from './phases.ts';

export interface RegistryKey {
  readonly migrationId: string;
  readonly databaseId: string;
}

const taskTokenSchema = z.object({
  token: z.string(),
  /** What the execution waits for, e.g. `full-load`: a completion for another wait must not take this token. */
  waitingFor: z.string(),
  storedAt: z.string(),
});
export type StoredTaskToken = z.output<typeof taskTokenSchema>;

const lockSchema = z.object({
  holder: z.string(),
  acquiredAt: z.string(),
  expiresAt: z.string(),
  /** The execution that holds the lock, when it said: teardown stops it (docs/failure-semantics.md). */
  executionArn: z.string().optional(),
});
export type ResizeLock = z.output<typeof lockSchema>;

const failureSchema = z.object({
  error: z.string(),
  cause: z.string(),
  at: z.string(),
  /** The phase the database was in when it failed (where a retry resumes). */
  phase: z.enum(PHASES),
});
export type FailureRecord = z.output<typeof failureSchema>;

/** A failed resize whose task could not be resumed yet: the reconciler resumes it (docs/failure-semantics.md). */
const resumePendingSchema = z.object({ since: z.string(), error: z.string(), cause: z.string() });
export type ResumePending = z.output<typeof resumePendingSchema>;
const replicationSlotSchema = z.object({
  /** The slot's name on the source, as found in pg_replication_slots. */
  name: z.string(),
  /** When lakeshift found it. */
  recordedAt: z.string(),
});
export type RecordedSlot = z.output<typeof replicationSlotSchema>;

const slotWatchSchema = z.object({
  /** When the watcher last looked. */
  checkedAt: z.string(),
  /** WAL the slot retained then; null when the slot was gone. */
  retainedWalBytes: z.number().nullable(),
  active: z.boolean(),
  /** Since when the watcher has found it inactive (absent while active). */
  inactiveSince: z.string().optional(),
});
export type SlotWatch = z.output<typeof slotWatchSchema>;

const sourceCertificateSchema = z.object({
  /** The DMS certificate the source endpoint verifies against. */
  arn: z.string(),
  /** True when lakeshift imported it (and may delete it at teardown); false for one the request named. */
  imported: z.boolean(),
  /** Its PEM: the handlers that connect to the source verify against the same CA as DMS. */
  pem: z.string(),
});
export type SourceCertificate = z.output<typeof sourceCertificateSchema>;

const jsonObject = <Shape extends object>(message?: string) =>
  z.custom<Shape>((value) => typeof value === 'object' && value !== null, message);

export const registryItemSchemaOf = <Plan extends object, Decision extends object>() =>
  z.object({
    migrationId: z.string(),
    databaseId: z.string(),
    phase: z.enum(PHASES),
    version: z.number().int(),
    /** The attempt the database is on (docs/failure-semantics.md); items written before attempts were numbered are on 1. */
    attempt: z.number().int().min(1).default(1),
    /** The request the current attempt was planned from, reduced to this database: what a retry runs again. */
    request: jsonObject<Record<string, unknown>>('request must be an object').optional(),
    // Written by `register` from a planned DatabasePlan; read back as stored.
    plan: jsonObject<Plan>('plan must be an object'),
    instanceIdentifier: z.string(),
    instanceArn: z.string().optional(),
    sourceEndpointArn: z.string().optional(),
    targetEndpointArn: z.string().optional(),
    taskArn: z.string().optional(),
    /** The task ARN's last segment: the ReplicationTaskIdentifier dimension of task metrics. */
    taskResourceId: z.string().optional(),
    currentClass: z.string(),
    lastResizeAt: z.string().optional(),
    taskToken: taskTokenSchema.optional(),
    lock: lockSchema.optional(),
    /** Per-table resync locks, by `schema.table` (docs/lake.md, "Resync"): one resync of a table at a time. */
    tableResyncs: z.record(z.string(), lockSchema).optional(),
    /** The generation each resynced table's view reads, by `schema.table`; a table never resynced is at 0. */
    tableGenerations: z.record(z.string(), z.number().int().min(0)).optional(),
    history: z.array(jsonObject<Decision>()),
    failure: failureSchema.optional(),
    resumePending: resumePendingSchema.optional(),
    /** What the full load had done when the reconciler last saw it advance (docs/failure-semantics.md). */
    fullLoadProgress: z.object({ mark: z.string(), advancedAt: z.string() }).optional(),
    /** Logical slots the source database had before the task's first start (not the task's: never touched). */
    slotsBeforeStart: z.array(z.string()).optional(),
    /** The slot the task uses: the only slot lakeshift ever drops. */
    replicationSlot: replicationSlotSchema.optional(),
    /** The latest look at that slot by the scheduled watcher. */
    slotWatch: slotWatchSchema.optional(),
    sourceCertificate: sourceCertificateSchema.optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    phaseChangedAt: z.string(),
  });

export type RegistryItemOf<Plan extends object, Decision extends object> = z.output<
  ReturnType<typeof registryItemSchemaOf<Plan, Decision>>
>;

/** Fields a caller may set with `update` or alongside a transition. Phase, version, token, lock and history have their own operations. */
export interface RegistryPatch {
  readonly instanceArn?: string;
  readonly sourceEndpointArn?: string;
  readonly targetEndpointArn?: string;
  /** Setting it also sets `taskResourceId`. */
  readonly taskArn?: string;
  readonly currentClass?: string;
  readonly lastResizeAt?: string;
  readonly fullLoadProgress?: { readonly mark: string; readonly advancedAt: string };
  readonly slotsBeforeStart?: readonly string[];
  readonly replicationSlot?: RecordedSlot;
  readonly slotWatch?: SlotWatch;
  readonly sourceCertificate?: SourceCertificate;
}
