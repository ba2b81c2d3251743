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

const lockSchema = z.object({ holder: z.string(), acquiredAt: z.string(), expiresAt: z.string() });
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

const jsonObject = <Shape extends object>(message?: string) =>
  z.custom<Shape>((value) => typeof value === 'object' && value !== null, message);

export const registryItemSchemaOf = <Plan extends object, Decision extends object>() =>
  z.object({
    migrationId: z.string(),
    databaseId: z.string(),
    phase: z.enum(PHASES),
    version: z.number().int(),
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
    history: z.array(jsonObject<Decision>()),
    failure: failureSchema.optional(),
    resumePending: resumePendingSchema.optional(),
    /** What the full load had done when the reconciler last saw it advance (docs/failure-semantics.md). */
    fullLoadProgress: z.object({ mark: z.string(), advancedAt: z.string() }).optional(),
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
}
