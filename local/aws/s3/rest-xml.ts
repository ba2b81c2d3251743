/**
 * S3's REST-XML wire format as the local S3 needs it: XML documents in S3's namespace, the S3 error body
 * (`<Error><Code>…</Code><Message>…</Message>…</Error>`, with no body for a HEAD request), the DeleteObjects request
 * body, and request bodies the SDK sends in `aws-chunked` encoding (streamed uploads with a trailing checksum).
 */
import type { ServerResponse } from 'node:http';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An S3 error: its code (`NoSuchKey`...), HTTP status and any extra elements S3 adds (`Key`, `BucketName`). */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');

const unescapeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });

/** `<name>value</name>` for each defined value, in order. */
export const elements = (
  fields: readonly (readonly [string, string | number | boolean | undefined])[],
): string =>
  fields
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');

export const xmlDocument = (root: string, inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${inner}</${root}>`;

let requestCounter = 0;
export const nextRequestId = (): string =>
  `LOCALS3${(++requestCounter).toString(16).toUpperCase().padStart(9, '0')}`;

export const sendXml = (
  res: ServerResponse,
  statusCode: number,
  xml: string,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(statusCode, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
    ...headers,
  });
  res.end(xml);
};

/** Answers an S3 error as S3 does: the XML error body, or the status alone for a HEAD request. */
export const sendError = (res: ServerResponse, method: string, error: S3Error, requestId: string): void => {
  const headers = { 'x-amz-request-id': requestId };
  if (method === 'HEAD') {
    res.writeHead(error.statusCode, headers);
    res.end();
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${elements([
    ['Code', error.code],
    ['Message', error.message],
    ...Object.entries(error.details),
    ['RequestId', requestId],
  ])}</Error>`;
  sendXml(res, error.statusCode, body, headers);
};

export interface DeleteRequest {
  readonly keys: readonly string[];
  readonly quiet: boolean;
}

const malformed = (): S3Error =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );

/** Most keys one DeleteObjects request may name. */
export const MAX_DELETE_KEYS = 1000;

/** The keys and Quiet flag of a DeleteObjects body (`<Delete><Object><Key>…</Key></Object>…<Quiet>…</Quiet></Delete>`). */
export const parseDeleteRequest = (body: string): DeleteRequest => {
  if (!/<Delete[\s>]/.test(body)) throw malformed();
  const keys: string[] = [];
  for (const match of body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(match[1] ?? '')?.[1];
    if (key === undefined) throw malformed();
    keys.push(unescapeXml(key));
  }
  if (keys.length === 0 || keys.length > MAX_DELETE_KEYS) throw malformed();
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(body);
  return { keys, quiet };
};

/**
 * The payload of an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` chunks up to a zero-size
 * chunk, then optional trailing headers (the checksum).
 */
export const decodeAwsChunked = (body: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0)
      throw new S3Error('IncompleteBody', 'The request body is not complete aws-chunked data', 400);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0)
      throw new S3Error('IncompleteBody', 'The request body is not aws-chunked data', 400);
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
};
