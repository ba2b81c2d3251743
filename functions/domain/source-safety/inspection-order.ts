/**
 * The order in which the scheduled slot inspection visits databases (docs/source-safety.md, "Watched"): never
 * inspected first, then the longest since inspected. A sweep its timeout cuts short (many databases, or sources that
 * do not answer) leaves the most recently inspected for the next one, so no database is starved by its place in
 * the registry.
 */
import type { RegistryItem } from '#domain/registry-item';

const lastInspectedMs = (item: Pick<RegistryItem, 'slotWatch'>): number =>
  item.slotWatch === undefined ? Number.NEGATIVE_INFINITY : Date.parse(item.slotWatch.checkedAt);

export const inspectionOrder = <Item extends Pick<RegistryItem, 'slotWatch'>>(
  items: readonly Item[],
): Item[] => [...items].sort((left, right) => lastInspectedMs(left) - lastInspectedMs(right));
