/**
 * The plan's column fidelity as the demo shows it (adjusted columns, lossy columns the request chose, plan
 * warnings), and the chosen mappings the verification accepts as "equal under the chosen mapping".
 */
import type { FidelityPlan } from '#domain/fidelity/fidelity-plan';
import type { LossyMapping } from '#domain/fidelity/type-mapping';

export const describeFidelity = (plans: ReadonlyMap<string, FidelityPlan | null>): string[] => {
  const lines: string[] = [];
  for (const [databaseId, plan] of plans) {
    if (plan === null) {
      lines.push(`${databaseId}: the source was not inspected: no column fidelity in the plan`);
      continue;
    }
    lines.push(
      `${databaseId}: ${plan.columnsInspected} columns inspected, ${plan.adjustments.length} adjusted, ${plan.lossy.length} lossy by choice, ${plan.warnings.length} warnings`,
    );
    for (const adjustment of plan.adjustments)
      lines.push(`  adjusted ${adjustment.column}: ${adjustment.how}`);
    for (const lossy of plan.lossy)
      lines.push(`  lossy by choice ${lossy.column} (${lossy.mapping}): ${lossy.effect}`);
    for (const warning of plan.warnings)
      lines.push(`  Plan Warning ${warning.column} (${warning.kind}): ${warning.message}`);
  }
  return lines;
};

/** databaseId → (`schema.table.column` → the lossy mapping the request chose). */
export const chosenMappings = (
  plans: ReadonlyMap<string, FidelityPlan | null>,
): Map<string, Map<string, LossyMapping>> =>
  new Map(
    [...plans].map(([databaseId, plan]) => [
      databaseId,
      new Map((plan?.lossy ?? []).map((entry) => [entry.column, entry.mapping])),
    ]),
  );
