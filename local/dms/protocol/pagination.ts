/**
 * `MaxRecords`/`Marker` pagination as DMS does it: MaxRecords defaults to 100 and must lie in 20–100 (20–500 for
 * DescribeTableStatistics); the marker is an opaque token for the next page, absent on the last page.
 */
import { invalidParameterValue } from './errors.ts';

export interface PageRequest {
  readonly MaxRecords?: number;
  readonly Marker?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly marker?: string;
}

export interface PageLimits {
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { min: 20, max: 100, fallback: 100 };

const encodeMarker = (offset: number): string => Buffer.from(`dms-page:${offset}`).toString('base64url');

const decodeMarker = (marker: string): number => {
  const match = /^dms-page:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
  if (!match?.[1]) throw invalidParameterValue(`Invalid Marker: ${marker}`);
  return Number(match[1]);
};

export const paginate = <T>(
  items: readonly T[],
  request: PageRequest,
  limits: PageLimits = DEFAULT_PAGE_LIMITS,
): Page<T> => {
  const size = request.MaxRecords ?? limits.fallback;
  if (!Number.isInteger(size) || size < limits.min || size > limits.max)
    throw invalidParameterValue(
      `MaxRecords must be an integer between ${limits.min} and ${limits.max}, got ${String(request.MaxRecords)}`,
    );
  const offset = request.Marker ? decodeMarker(request.Marker) : 0;
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { items: page, marker: encodeMarker(next) } : { items: page };
};
