import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import * as s3 from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '#local/aws/index';
import { isModelError, ROUTES, routeRequest, S3_OPERATIONS } from '#local/aws/s3/routes';
import { ManualClock } from '#local/clock';

/** The member names of a structure schema of the SDK's S3 model (`[3, ns, name, traits, members, …]`). */
const membersOf = (shape: string): string[] => {
  const schema = (s3 as unknown as Record<string, unknown>)[`${shape}$`];
  if (!Array.isArray(schema) || schema[0] !== 3)
    throw new Error(`${shape} is not a structure of the S3 model`);
  return schema[4] as string[];
};

/** The names of the child elements of `parent` elements in an XML document (no nesting of the same name). */
const childElements = (xml: string, parent: string): Set<string> => {
  const names = new Set<string>();
  for (const match of xml.matchAll(new RegExp(`<${parent}(?:\\s[^>]*)?>([\\s\\S]*?)</${parent}>`, 'g'))) {
    for (const child of (match[1] ?? '').matchAll(/<([A-Za-z]+)>/g)) names.add(child[1] ?? '');
  }
  return names;
};

/** The top-level elements of the document's root (children of nested elements excluded). */
const rootElements = (xml: string, root: string): Set<string> => {
  const inner = new RegExp(`<${root}[^>]*>([\\s\\S]*)</${root}>`).exec(xml)?.[1] ?? '';
  const names = new Set<string>();
  for (const match of inner.matchAll(/<([A-Za-z]+)>[\s\S]*?<\/\1>/g)) names.add(match[1] ?? '');
  return names;
};

let aws: LocalAws;

/** A request signed (in form) for service s3: the local endpoint checks who signed, not the signature. */
const s3Request = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${aws.endpoint}${path}`, {
    ...init,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${aws.credentials.accessKeyId}/20260101/${aws.region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
      ...(init.headers as Record<string, string> | undefined),
    },
  });

beforeAll(async () => {
  aws = await startLocalAws({ clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  await mkdir(join(aws.lakeDir, 'lake', 'raw'), { recursive: true });
  await writeFile(join(aws.lakeDir, 'lake', 'raw', 'LOAD00000001.parquet'), 'x');
}, 60_000);

afterAll(async () => {
  await aws.stop();
});

describe('the local S3 against the model in @aws-sdk/client-s3', () => {
  it('routes every operation it implements by the HTTP binding the model gives it', () => {
    // Act
    const routed = ROUTES.map(
      (route) =>
        routeRequest(
          route.method,
          route.hasKey,
          new URLSearchParams([...route.query]),
          route.operation === 'CopyObject',
        )?.operation,
    );

    // Assess
    expect(routed).toEqual([...S3_OPERATIONS]);
    expect(ROUTES.find((route) => route.operation === 'DeleteObject')?.successStatus).toBe(204);
  });

  it('answers with error codes the model defines, so the SDK raises its own exception classes', () => {
    // Assess
    expect(['NoSuchKey', 'NoSuchBucket', 'NotFound'].filter((code) => !isModelError(code))).toEqual([]);
  });

  it('writes only elements the model defines for ListObjectsV2, CopyObject and DeleteObjects', async () => {
    // Act
    const listing = await (await s3Request('/lake?list-type=2&max-keys=1&prefix=raw%2F')).text();
    const copy = await (
      await s3Request('/lake/raw/copy.parquet', {
        method: 'PUT',
        headers: { 'x-amz-copy-source': '/lake/raw/LOAD00000001.parquet' },
      })
    ).text();
    const deleted = await (
      await s3Request('/lake?delete', {
        method: 'POST',
        body: '<Delete><Object><Key>raw/copy.parquet</Key></Object></Delete>',
      })
    ).text();

    // Assess
    expect(
      [...rootElements(listing, 'ListBucketResult')].filter(
        (name) => !membersOf('ListObjectsV2Output').includes(name),
      ),
    ).toEqual([]);
    expect(
      [...childElements(listing, 'Contents')].filter((name) => !membersOf('_Object').includes(name)),
    ).toEqual([]);
    expect([...rootElements(copy, 'CopyObjectResult')].sort()).toEqual(['ETag', 'LastModified']);
    expect(membersOf('CopyObjectResult')).toEqual(expect.arrayContaining(['ETag', 'LastModified']));
    expect(
      [...childElements(deleted, 'Deleted')].filter((name) => !membersOf('DeletedObject').includes(name)),
    ).toEqual([]);
    expect(childElements(deleted, 'Deleted')).toEqual(new Set(['Key']));
  });

  it('answers a request no implemented binding matches with NotImplemented', async () => {
    // Act
    const response = await s3Request('/lake?tagging', { method: 'PUT', body: '<Tagging/>' });

    // Assess
    expect(response.status).toBe(501);
    expect(await response.text()).toContain('<Code>NotImplemented</Code>');
  });
});

describe('the local S3 addressed virtual-hosted style', () => {
  it('reads the bucket from a Host of the form <bucket>.localhost', async () => {
    // Prepare
    const { port } = new URL(aws.endpoint);

    // Act
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/raw/LOAD00000001.parquet',
          headers: {
            host: `lake.localhost:${port}`,
            authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${aws.region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });

    // Assess
    expect(answer).toEqual({ status: 200, body: 'x' });
  });
});
