/**
 * Which S3 operation a REST request is, read from the HTTP bindings of the S3 model the AWS SDK ships (each
 * operation schema's `http` trait: method, URI pattern with its query literals, success status), so the local S3
 * routes as the model says rather than by a hand-copied table. `x-id` is the SDK's own marker, not part of S3's
 * routing: PutObject and CopyObject share `PUT /{Key+}` and S3 tells them apart by the `x-amz-copy-source` header.
 */
import * as s3 from '@aws-sdk/client-s3';

export const S3_OPERATIONS = [
  'ListObjectsV2',
  'HeadBucket',
  'HeadObject',
  'GetObject',
  'PutObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
] as const;

export type S3Operation = (typeof S3_OPERATIONS)[number];

export interface Route {
  readonly operation: S3Operation;
  readonly method: string;
  /** Whether the URI names a key (`/{Key+}`) or only the bucket (`/`). */
  readonly hasKey: boolean;
  /** Query parameters the URI requires, with the value it requires (`''` for a bare flag such as `?delete`). */
  readonly query: ReadonlyMap<string, string>;
  readonly successStatus: number;
}

export class S3ModelError extends Error {
  override readonly name = 'S3ModelError';
}

const SDK_MARKER = 'x-id';

const routeOf = (operation: S3Operation): Route => {
  const schema = (s3 as unknown as Record<string, unknown>)[`${operation}$`];
  const traits = Array.isArray(schema) ? (schema[3] as { http?: unknown } | undefined) : undefined;
  const http = traits?.http;
  if (!Array.isArray(http) || typeof http[0] !== 'string' || typeof http[1] !== 'string')
    throw new S3ModelError(`${operation} has no HTTP binding in @aws-sdk/client-s3`);
  const [path = '', search = ''] = http[1].split('?');
  const query = new Map(
    [...new URLSearchParams(search)]
      .filter(([name]) => name !== SDK_MARKER)
      .map(([name, value]) => [name, value]),
  );
  return {
    operation,
    method: http[0],
    hasKey: path.includes('{Key+}'),
    query,
    successStatus: typeof http[2] === 'number' ? http[2] : 200,
  };
};

export const ROUTES: readonly Route[] = S3_OPERATIONS.map(routeOf);

/** The operation of a request, or undefined when no implemented operation's binding matches it. */
export const routeRequest = (
  method: string,
  hasKey: boolean,
  query: URLSearchParams,
  isCopy: boolean,
): Route | undefined => {
  const candidates = ROUTES.filter(
    (route) =>
      route.method === method &&
      route.hasKey === hasKey &&
      [...route.query].every(
        ([name, value]) => query.has(name) && (value === '' || query.get(name) === value),
      ),
  );
  // The most specific binding wins (`GET /?list-type=2` over a plain `GET /`).
  candidates.sort((a, b) => b.query.size - a.query.size);
  const byCopy = candidates.filter((route) =>
    route.operation === 'CopyObject' ? isCopy : route.operation !== 'PutObject' || !isCopy,
  );
  return byCopy[0];
};

/** Whether the model has an error shape of this code (`NoSuchKey`...), so the SDK maps it to its exception class. */
export const isModelError = (code: string): boolean => {
  const schema = (s3 as unknown as Record<string, unknown>)[`${code}$`];
  return Array.isArray(schema) && schema[0] === -3;
};
