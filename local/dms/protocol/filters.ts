/**
 * Describe filters: `[{Name, Values}]`, each name one of the operation's documented filter names; a resource matches
 * when, for every filter, one of its values equals the resource's value (identifiers compare lower-cased).
 */
import { invalidParameterValue } from './errors.ts';

/** A request filter (the model requires both members; the SDK types them as optional). */
export interface Filter {
  readonly Name?: string | undefined;
  readonly Values?: readonly string[] | undefined;
}

/** For each filter name: the resource's values for it (a task matches `endpoint-arn` by source or target). */
export type FilterFields<T> = Readonly<Record<string, (item: T) => readonly (string | undefined)[]>>;

export const applyFilters = <T>(
  items: readonly T[],
  filters: readonly Filter[] | undefined,
  fields: FilterFields<T>,
  caseInsensitive: readonly string[] = [],
): T[] => {
  if (!filters || filters.length === 0) return [...items];
  for (const filter of filters) {
    if (filter.Name === undefined || !Object.hasOwn(fields, filter.Name))
      throw invalidParameterValue(
        `Invalid filter name: ${filter.Name}. Valid filters: ${Object.keys(fields).join(', ')}`,
      );
  }
  return items.filter((item) =>
    filters.every((filter) => {
      const fold = caseInsensitive.includes(filter.Name ?? '');
      const wanted = (filter.Values ?? []).map((value) => (fold ? value.toLowerCase() : value));
      const read = fields[filter.Name ?? ''];
      return read
        ? read(item).some(
            (value) => value !== undefined && wanted.includes(fold ? value.toLowerCase() : value),
          )
        : false;
    }),
  );
};
