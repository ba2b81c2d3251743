export { parsePlannerEnvironment, type RawPlannerEnvironment } from './environment.ts';
export type { DatabasePlan, NamedNetwork, PlannerEnvironment } from './plan.ts';
export { planDatabase, planFleet } from './plan-database.ts';
export type { ResourceTag } from './resource-fields.ts';
