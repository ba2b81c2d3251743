/**
 * Local Amazon S3 (REST-XML) over the lake folder the local DMS data plane writes into (`objects.ts` maps buckets
 * and keys to files). It answers the requests signed for service `s3` on the shared endpoint, path-style
 * (`/<bucket>/<key>`) or virtual-hosted (`Host: <bucket>.localhost`), routed by the S3 model's HTTP bindings
 * (`routes.ts`), and authorizes each as its caller through IAM when IAM is enforced.
 */

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../clock.ts';
import type { FallbackHandler } from '../../http/server.ts';
import { AwsServiceError } from '../../http/service.ts';
import { copySourceOf } from '../iam/request-context.ts';
import {
  KeyConflictError,
  LakeObjects,
  NoSuchBucketError,
  NoSuchKeyError,
  type StoredObject,
} from './objects.ts';
import {
  decodeAwsChunked,
  elements,
  nextRequestId,
  parseDeleteRequest,
  S3Error,
  sendError,
  sendXml,
  xmlDocument,
} from './rest-xml.ts';
import { type Route, routeRequest, type S3Operation } from './routes.ts';

export interface S3Options {
  /** The folder standing for S3: one first-level folder per bucket. */
  readonly lakeDir: string;
  readonly clock: Clock;
  /**
   * Authorizes one operation as the caller its SigV4 `Authorization` header names (IAM enforcement); throws the
   * error AWS answers with. Absent, everything is allowed.
   */
  readonly authorize?: (
    operation: string,
    input: Record<string, unknown>,
    authorization: string | undefined,
  ) => void;
  /** Called once per request, after it is answered. */
  readonly onRequest?: (operation: string, statusCode: number) => void;
}

/** S3's bucket naming rule (general purpose buckets): 3 to 63 lower-case letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3 keys are at most 1,024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
const MAX_LIST_KEYS = 1000;
const SIGNED_FOR_S3 = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/s3\/aws4_request/;
const VIRTUAL_HOST = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.localhost$/;

interface S3Request {
  readonly route: Route;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly authorization: string | undefined;
}

interface S3Response {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly xml?: string;
  readonly body?: Buffer;
}

const header = (headers: IncomingMessage['headers'], name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

const objectHeaders = (object: StoredObject): Record<string, string> => ({
  etag: object.etag,
  'last-modified': new Date(object.lastModified).toUTCString(),
  'content-length': String(object.size),
  // S3's content type for an object stored without one.
  'content-type': 'binary/octet-stream',
  'accept-ranges': 'bytes',
});

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

export class LocalS3 {
  readonly objects: LakeObjects;

  constructor(private readonly options: S3Options) {
    this.objects = new LakeObjects(options.lakeDir, options.clock);
  }

  /** The endpoint's handler for S3 requests: those signed for service `s3`. */
  readonly fallback: FallbackHandler = async (req, res, body) => {
    const authorization = header(req.headers, 'authorization');
    if (!SIGNED_FOR_S3.test(authorization ?? '')) return false;
    await this.serve(req, res, body, authorization);
    return true;
  };

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    authorization: string | undefined,
  ): Promise<void> {
    const requestId = nextRequestId();
    const method = req.method ?? 'GET';
    let operation = 'Unknown';
    try {
      const request = this.parse(req, body, authorization);
      operation = request.route.operation;
      const response = await this.handle(request);
      const headers = { 'x-amz-request-id': requestId, ...response.headers };
      const status = response.status ?? request.route.successStatus;
      if (response.xml !== undefined) sendXml(res, status, response.xml, headers);
      else {
        res.writeHead(status, headers);
        res.end(method === 'HEAD' ? undefined : response.body);
      }
      this.options.onRequest?.(operation, status);
    } catch (error) {
      const s3Error = toS3Error(error);
      sendError(res, method, s3Error, requestId);
      this.options.onRequest?.(operation, s3Error.statusCode);
    }
  }

  private parse(req: IncomingMessage, rawBody: Buffer, authorization: string | undefined): S3Request {
    // The raw path, not a URL's: keys may hold `.` and `..` segments, which URL parsing would resolve away.
    const [rawPath = '/', search = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const searchParams = new URLSearchParams(search);
    const hostname = (header(req.headers, 'host') ?? '').replace(/:\d+$/, '');
    const virtualBucket = VIRTUAL_HOST.exec(hostname)?.[1];
    const path = rawPath.slice(1);
    const slash = path.indexOf('/');
    const [rawBucket, rawKey] = virtualBucket
      ? [virtualBucket, path]
      : slash < 0
        ? [path, '']
        : [path.slice(0, slash), path.slice(slash + 1)];
    const bucket = decodeURIComponent(rawBucket);
    const key = decodeURIComponent(rawKey);
    if (!BUCKET_NAME.test(bucket))
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, {
        BucketName: bucket,
      });
    if (Buffer.byteLength(key) > MAX_KEY_BYTES)
      throw new S3Error('KeyTooLongError', 'Your key is too long', 400);
    const route = routeRequest(
      req.method ?? 'GET',
      key !== '',
      searchParams,
      header(req.headers, 'x-amz-copy-source') !== undefined,
    );
    if (!route)
      throw new S3Error(
        'NotImplemented',
        'A header or query you provided implies functionality that is not implemented.',
        501,
      );
    const chunked =
      (header(req.headers, 'content-encoding') ?? '').includes('aws-chunked') ||
      (header(req.headers, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');
    const body = chunked ? decodeAwsChunked(rawBody) : rawBody;
    const md5 = header(req.headers, 'content-md5');
    if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5)
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    return { route, bucket, key, query: searchParams, headers: req.headers, body, authorization };
  }

  private authorize(operation: S3Operation, input: Record<string, unknown>, request: S3Request): void {
    this.options.authorize?.(operation, input, request.authorization);
  }

  private async handle(request: S3Request): Promise<S3Response> {
    const { bucket, key } = request;
    switch (request.route.operation) {
      case 'ListObjectsV2':
        return this.listObjects(request);
      case 'HeadBucket':
        this.authorize('HeadBucket', { Bucket: bucket }, request);
        await this.objects.assertBucket(bucket);
        return {};
      case 'HeadObject':
      case 'GetObject': {
        this.authorize(request.route.operation, { Bucket: bucket, Key: key }, request);
        const { object, body } = await this.objects.get(bucket, key);
        return { headers: objectHeaders(object), body };
      }
      case 'PutObject': {
        this.authorize('PutObject', { Bucket: bucket, Key: key }, request);
        const object = await this.objects.put(bucket, key, request.body);
        return { headers: { etag: object.etag } };
      }
      case 'CopyObject':
        return this.copyObject(request);
      case 'DeleteObject':
        this.authorize('DeleteObject', { Bucket: bucket, Key: key }, request);
        await this.objects.delete(bucket, key);
        return {};
      case 'DeleteObjects':
        return this.deleteObjects(request);
    }
  }

  private async listObjects(request: S3Request): Promise<S3Response> {
    const { query, bucket } = request;
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const startAfter = query.get('start-after') ?? undefined;
    const token = query.get('continuation-token') ?? undefined;
    const maxKeysText = query.get('max-keys');
    const maxKeys = maxKeysText === null ? MAX_LIST_KEYS : Number(maxKeysText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0)
      throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
        ArgumentName: 'max-keys',
        ArgumentValue: maxKeysText ?? '',
      });
    const encodingType = query.get('encoding-type') ?? undefined;
    if (encodingType !== undefined && encodingType !== 'url')
      throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
        ArgumentName: 'encoding-type',
        ArgumentValue: encodingType,
      });
    this.authorize(
      'ListObjectsV2',
      {
        Bucket: bucket,
        Prefix: prefix,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        MaxKeys: Math.min(maxKeys, MAX_LIST_KEYS),
      },
      request,
    );
    const after = token === undefined ? startAfter : continuationKey(token);
    const page = pageOf(await this.objects.list(bucket, prefix), {
      prefix,
      delimiter,
      after,
      maxKeys: Math.min(maxKeys, MAX_LIST_KEYS),
    });
    const encode = (text: string): string => (encodingType === 'url' ? encodeURIComponent(text) : text);
    const inner = [
      elements([
        ['Name', bucket],
        ['Prefix', encode(prefix)],
        ['Delimiter', delimiter ? encode(delimiter) : undefined],
        ['MaxKeys', maxKeys],
        ['EncodingType', encodingType],
        ['KeyCount', page.contents.length + page.commonPrefixes.length],
        ['IsTruncated', page.next !== undefined],
        ['ContinuationToken', token],
        ['NextContinuationToken', page.next === undefined ? undefined : continuationToken(page.next)],
        ['StartAfter', startAfter === undefined ? undefined : encode(startAfter)],
      ]),
      ...page.contents.map(
        (object) =>
          `<Contents>${elements([
            ['Key', encode(object.key)],
            ['LastModified', iso(object.lastModified)],
            ['ETag', object.etag],
            ['Size', object.size],
            ['StorageClass', 'STANDARD'],
          ])}</Contents>`,
      ),
      ...page.commonPrefixes.map(
        (common) => `<CommonPrefixes>${elements([['Prefix', encode(common)]])}</CommonPrefixes>`,
      ),
    ].join('');
    return { xml: xmlDocument('ListBucketResult', inner) };
  }

  private async copyObject(request: S3Request): Promise<S3Response> {
    const copySource = header(request.headers, 'x-amz-copy-source') ?? '';
    const source = copySourceOf(copySource);
    this.authorize(
      'CopyObject',
      { Bucket: request.bucket, Key: request.key, CopySource: copySource },
      request,
    );
    if (source.key === '')
      throw new S3Error(
        'InvalidArgument',
        'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
        400,
        {
          ArgumentName: 'x-amz-copy-source',
          ArgumentValue: copySource,
        },
      );
    const object = await this.objects.copy(source, { bucket: request.bucket, key: request.key });
    return {
      xml: xmlDocument(
        'CopyObjectResult',
        elements([
          ['LastModified', iso(object.lastModified)],
          ['ETag', object.etag],
        ]),
      ),
    };
  }

  /** A batch delete: each key is authorized and deleted on its own, and a key that fails is reported in the result. */
  private async deleteObjects(request: S3Request): Promise<S3Response> {
    const { keys, quiet } = parseDeleteRequest(request.body.toString('utf8'));
    await this.objects.assertBucket(request.bucket);
    const results: string[] = [];
    for (const key of keys) {
      try {
        this.authorize('DeleteObject', { Bucket: request.bucket, Key: key }, request);
        await this.objects.delete(request.bucket, key);
        if (!quiet) results.push(`<Deleted>${elements([['Key', key]])}</Deleted>`);
      } catch (error) {
        const s3Error = toS3Error(error);
        results.push(
          `<Error>${elements([
            ['Key', key],
            ['Code', s3Error.code],
            ['Message', s3Error.message],
          ])}</Error>`,
        );
      }
    }
    return { xml: xmlDocument('DeleteResult', results.join('')) };
  }
}

interface Page {
  readonly contents: readonly StoredObject[];
  readonly commonPrefixes: readonly string[];
  /** The last key or common prefix of the page when more follow. */
  readonly next: string | undefined;
}

/**
 * One page of a listing: keys after `after`, keys sharing a common prefix (up to the delimiter after `prefix`)
 * rolled into it, keys and common prefixes counting alike towards `maxKeys`.
 */
const pageOf = (
  objects: readonly StoredObject[],
  options: { prefix: string; delimiter: string; after: string | undefined; maxKeys: number },
): Page => {
  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  const isAfter = (key: string): boolean => {
    const after = options.after;
    if (after === undefined) return true;
    if (options.delimiter && after.endsWith(options.delimiter) && key.startsWith(after)) return false;
    return Buffer.compare(Buffer.from(key), Buffer.from(after)) > 0;
  };
  for (const object of objects) {
    if (!isAfter(object.key)) continue;
    const rest = object.key.slice(options.prefix.length);
    const cut = options.delimiter ? rest.indexOf(options.delimiter) : -1;
    const common = cut < 0 ? undefined : options.prefix + rest.slice(0, cut + options.delimiter.length);
    if (common !== undefined && common === last) continue;
    if (contents.length + commonPrefixes.length >= options.maxKeys)
      return { contents, commonPrefixes, next: last };
    if (common !== undefined) commonPrefixes.push(common);
    else contents.push(object);
    last = common ?? object.key;
  }
  return { contents, commonPrefixes, next: undefined };
};

const continuationToken = (after: string): string => Buffer.from(after, 'utf8').toString('base64url');

const continuationKey = (token: string): string => {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || continuationToken(key) !== token)
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
    });
  return key;
};

const toS3Error = (error: unknown): S3Error => {
  if (error instanceof S3Error) return error;
  if (error instanceof NoSuchKeyError)
    return new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: error.message });
  if (error instanceof NoSuchBucketError)
    return new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, {
      BucketName: error.message,
    });
  if (error instanceof KeyConflictError)
    return new S3Error(
      'InvalidRequest',
      `The local S3 keeps objects as files: ${error.message} cannot be both an object and the folder of other keys`,
      400,
    );
  if (error instanceof AwsServiceError) {
    // IAM's denial and its authentication errors, with the status S3 answers them with.
    if (error.type === 'UnrecognizedClientException')
      return new S3Error(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
      );
    const status = error.type === 'AccessDenied' ? 403 : error.statusCode;
    return new S3Error(error.type, error.message, status);
  }
  return new S3Error('InternalError', error instanceof Error ? error.message : String(error), 500);
};
