export { parsePlannerEnvironment, type RawPlannerEnvironment } from './environment.ts';
export type { DatabasePlan, NamedNetwork, PlannerEnvironment, ResourceTag } from './plan.ts';
export { planDatabase, planFleet } from './plan-database.ts';
