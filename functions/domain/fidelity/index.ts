export { type CapturedColumn, type ColumnClass, classifyColumn, columnName, typeFamily } from './classify.ts';
export {
  type ChangeDataTypeRule,
  describeWarnings,
  type FidelityChoices,
  type FidelityContext,
  type FidelityPlan,
  needsAttention,
  type PlanWarning,
  planFidelity,
} from './fidelity-plan.ts';
export {
  capturedColumnSchema,
  fidelityPlanSchema,
  type SourceInspection,
  sourceInspectionSchema,
} from './schemas.ts';
export { LOSSY_MAPPINGS, type LossyMapping, TYPE_MAPPING, type TypeMappingRow } from './type-mapping.ts';
