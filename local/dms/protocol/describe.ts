/**
 * The common end of every Describe: filters first; a filter that matches nothing is `ResourceNotFoundFault`, as the
 * SDK waiters expect (docs/dms-behaviour.md §1.1); then one page, converted for the wire, with the next
 * page's marker.
 */
import { resourceNotFound } from './errors.ts';
import { applyFilters, type Filter, type FilterFields } from './filters.ts';
import { DEFAULT_PAGE_LIMITS, type PageLimits, type PageRequest, paginate } from './pagination.ts';

export interface DescribeRequest extends PageRequest {
  readonly Filters?: readonly Filter[] | undefined;
}

export interface DescribeSpec<T> {
  readonly fields: FilterFields<T>;
  /** Filter names compared without case (identifiers). */
  readonly caseInsensitive?: readonly string[];
  /** What the error says was not found, e.g. "replication instances". */
  readonly what: string;
  /** False for describes that answer an empty list rather than a fault (table statistics, events). */
  readonly emptyIsNotFound?: boolean;
  readonly limits?: PageLimits;
}

export const describePage = <T, R>(
  items: readonly T[],
  request: DescribeRequest,
  spec: DescribeSpec<T>,
  toApi: (item: T) => R,
): { items: R[]; Marker?: string } => {
  const matching = applyFilters(items, request.Filters, spec.fields, spec.caseInsensitive);
  if ((spec.emptyIsNotFound ?? true) && request.Filters?.length && matching.length === 0)
    throw resourceNotFound(`No ${spec.what} found matching the filters`);
  const page = paginate(matching, request, spec.limits ?? DEFAULT_PAGE_LIMITS);
  return { items: page.items.map(toApi), ...(page.marker ? { Marker: page.marker } : {}) };
};
