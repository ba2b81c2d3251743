/** The registry item with the domain's plan and decision types in place of the contract's JSON objects. */
import { type RegistryItemOf, registryItemSchemaOf } from '#contracts/registry-item';
import type { DatabasePlan } from './planner/plan.ts';
import type { ResizeHistoryEntry } from './resize/types.ts';

export const registryItemSchema = registryItemSchemaOf<DatabasePlan, ResizeHistoryEntry>();

export type RegistryItem = RegistryItemOf<DatabasePlan, ResizeHistoryEntry>;
