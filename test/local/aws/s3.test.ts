import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '#local/aws/iam/policy';
import type { StackModel } from '#local/aws/iam/stack-model';
import { type LocalAws, startLocalAws } from '#local/aws/index';
import { ManualClock } from '#local/clock';
import { objectPath } from '#local/dataplane/lake';

const START = Date.UTC(2026, 0, 1);
const BUCKET = 'lake';
const TABLE_FOLDER = 'raw/shop/public/items/';

let aws: LocalAws;
let s3: S3Client;

const clientFor = (
  local: LocalAws,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = local.credentials,
): S3Client =>
  new S3Client({
    endpoint: local.endpoint,
    region: local.region,
    credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });

const md5Etag = (content: string | Buffer): string => `"${createHash('md5').update(content).digest('hex')}"`;

/** Writes a file into the lake as the DMS data plane does, without going through S3. */
const writeLakeFile = async (local: LocalAws, key: string, content: string): Promise<void> => {
  const path = objectPath(local.lakeDir, BUCKET, key);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
};

const listAll = async (prefix: string, maxKeys: number): Promise<ListObjectsV2CommandOutput[]> => {
  const pages: ListObjectsV2CommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Prefix: prefix,
        MaxKeys: maxKeys,
        ContinuationToken: token,
      }),
    );
    pages.push(page);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return pages;
};

const errorOf = async (send: Promise<unknown>): Promise<S3ServiceException> => {
  const error = await send.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof S3ServiceException)) throw new Error(`expected an S3 error, got ${String(error)}`);
  return error;
};

beforeAll(async () => {
  aws = await startLocalAws({ clock: new ManualClock(START) });
  s3 = clientFor(aws);
  await mkdir(join(aws.lakeDir, BUCKET), { recursive: true });
}, 60_000);

afterAll(async () => {
  s3.destroy();
  await aws.stop();
});

describe('the local S3 over the lake folder', () => {
  it('lists the files the data plane wrote, page by page, with S3 ETags, sizes and in key order', async () => {
    // Prepare
    const names = ['LOAD00000001.parquet', 'LOAD00000002.parquet', '20260101-000000000.parquet'];
    for (const name of names) await writeLakeFile(aws, `${TABLE_FOLDER}${name}`, `content of ${name}`);
    await writeLakeFile(aws, 'raw/shop/public/other/LOAD00000001.parquet', 'elsewhere');

    // Act
    const pages = await listAll(TABLE_FOLDER, 2);

    // Assess
    expect(pages.map((page) => [page.KeyCount, page.IsTruncated])).toEqual([
      [2, true],
      [1, false],
    ]);
    const objects = pages.flatMap((page) => page.Contents ?? []);
    expect(objects.map((object) => [object.Key, object.ETag, object.Size])).toEqual(
      [...names]
        .sort()
        .map((name) => [
          `${TABLE_FOLDER}${name}`,
          md5Etag(`content of ${name}`),
          `content of ${name}`.length,
        ]),
    );
    expect(objects.every((object) => object.LastModified instanceof Date)).toBe(true);
  });

  it('lists no write in progress: neither a temporary file nor the files of a load staging folder', async () => {
    // Prepare
    await writeLakeFile(aws, 'staging/items/.tmp-0a1b2c3d-LOAD00000001.parquet.partial', 'partial');
    await writeLakeFile(aws, 'staging/items/.tmp-0a1b2c3d-load.partial/part0.parquet', 'part');
    await writeLakeFile(aws, 'staging/items/LOAD00000001.parquet', 'done');

    // Act
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'staging/' }));

    // Assess
    expect(listing.Contents?.map((object) => object.Key)).toEqual(['staging/items/LOAD00000001.parquet']);
  });

  it('rolls keys into common prefixes under a delimiter', async () => {
    // Prepare
    await writeLakeFile(aws, 'raw/shop/public/items/LOAD00000001.parquet', 'a');

    // Act
    const listing = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'raw/shop/public/', Delimiter: '/' }),
    );

    // Assess
    expect(listing.CommonPrefixes?.map((common) => common.Prefix)).toEqual([
      'raw/shop/public/items/',
      'raw/shop/public/other/',
    ]);
    expect(listing.Contents).toBeUndefined();
  });

  it('copies an object within the bucket with the same ETag, readable by HeadObject and GetObject', async () => {
    // Prepare
    const source = `${TABLE_FOLDER}LOAD00000003.parquet`;
    const target = 'raw/shop/_lakeshift_generations/public/items/g0/LOAD00000003.parquet';
    await writeLakeFile(aws, source, 'generation zero');

    // Act
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: target, CopySource: `${BUCKET}/${source}` }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: target }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: target }));

    // Assess
    expect(copied.CopyObjectResult?.ETag).toBe(md5Etag('generation zero'));
    expect(head.ETag).toBe(copied.CopyObjectResult?.ETag);
    expect(head.ContentLength).toBe('generation zero'.length);
    expect(head.LastModified?.getTime()).toBe(START);
    expect(await got.Body?.transformToString()).toBe('generation zero');
    expect(await readFile(objectPath(aws.lakeDir, BUCKET, target), 'utf8')).toBe('generation zero');
  });

  it('puts an object where the data plane would find it, keys with any characters included', async () => {
    // Prepare
    const key = 'raw/odd schema/ta%ble/../x.parquet';

    // Act
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'odd' }));
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'raw/odd schema/' }));

    // Assess
    expect(put.ETag).toBe(md5Etag('odd'));
    expect(listing.Contents?.map((object) => object.Key)).toEqual([key]);
    expect(
      await readFile(
        join(aws.lakeDir, BUCKET, 'raw', 'odd schema', 'ta%25ble', '%2E%2E', 'x.parquet'),
        'utf8',
      ),
    ).toBe('odd');
  });

  it('takes a streamed upload, which the SDK sends aws-chunked with a trailing checksum', async () => {
    // Prepare
    const content = 'x'.repeat(70_000);

    // Act
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed/LOAD00000001.parquet',
        Body: Readable.from([Buffer.from(content)]),
        ContentLength: content.length,
      }),
    );

    // Assess
    expect(put.ETag).toBe(md5Etag(content));
    expect(await readFile(objectPath(aws.lakeDir, BUCKET, 'streamed/LOAD00000001.parquet'), 'utf8')).toBe(
      content,
    );
  });

  it('deletes one object, then a batch quietly, reporting only what failed', async () => {
    // Prepare
    const keys = ['tmp/a.parquet', 'tmp/b.parquet', 'tmp/c.parquet'];
    for (const key of keys) await writeLakeFile(aws, key, key);

    // Act
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'tmp/a.parquet' }));
    const batch = await s3.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: {
          Objects: [{ Key: 'tmp/b.parquet' }, { Key: 'tmp/c.parquet' }, { Key: 'tmp/absent' }],
          Quiet: true,
        },
      }),
    );
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tmp/' }));

    // Assess
    expect(batch.Deleted).toBeUndefined();
    expect(batch.Errors).toBeUndefined();
    expect(listing.KeyCount).toBe(0);
  });

  it('reports each deleted key of a batch that is not quiet', async () => {
    // Prepare
    await writeLakeFile(aws, 'tmp/d.parquet', 'd');

    // Act
    const batch = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'tmp/d.parquet' }] } }),
    );

    // Assess
    expect(batch.Deleted?.map((deleted) => deleted.Key)).toEqual(['tmp/d.parquet']);
  });

  it('answers a missing key, a missing bucket and a bad continuation token as S3 does', async () => {
    // Act
    const missingKey = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'no/such.parquet' })),
    );
    const missingHead = await errorOf(
      s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'no/such.parquet' })),
    );
    const missingBucket = await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })));
    const missingBucketHead = await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })));
    const badCopy = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: `${BUCKET}/no/such.parquet` })),
    );
    const badToken = await errorOf(
      s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'not a token' })),
    );

    // Assess
    expect(missingKey).toBeInstanceOf(NoSuchKey);
    expect(missingKey.$metadata.httpStatusCode).toBe(404);
    expect([missingHead.name, missingHead.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    expect(missingBucket).toBeInstanceOf(NoSuchBucket);
    expect(missingBucketHead.$metadata.httpStatusCode).toBe(404);
    expect(badCopy).toBeInstanceOf(NoSuchKey);
    expect([badToken.name, badToken.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });
});

const READER_ROLE = 'arn:aws:iam::000000000000:role/lake-reader';

/** A stack whose one role may list the bucket, read and write `raw/`, and delete nothing. */
const readerModel = (): StackModel => ({
  roles: new Map([
    [
      READER_ROLE,
      {
        arn: READER_ROLE,
        name: 'lake-reader',
        logicalId: 'LakeReader',
        trustedServices: ['lambda.amazonaws.com'],
        managedPolicyArns: [],
        policies: [
          parsePolicy('LakeReaderPolicy', {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` },
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:PutObject'],
                Resource: `arn:aws:s3:::${BUCKET}/raw/*`,
              },
            ],
          }),
        ],
      },
    ],
  ]),
  resourcePolicies: [],
  functionRoles: new Map(),
  functionEnvironments: new Map(),
  stateMachineRoles: new Map(),
  targetRoles: new Map(),
  ruleByTarget: new Map(),
});

describe('the local S3 under IAM', () => {
  let guarded: LocalAws;
  let reader: S3Client;

  beforeAll(async () => {
    guarded = await startLocalAws({ clock: new ManualClock(START), iam: { model: readerModel() } });
    const iam = guarded.iam;
    if (!iam) throw new Error('IAM is not enforced');
    reader = clientFor(guarded, iam.principals.credentials(iam.roleSession(READER_ROLE, 'reader')));
    await writeLakeFile(guarded, 'raw/items/LOAD00000001.parquet', 'one');
    await writeLakeFile(guarded, 'secret/LOAD00000001.parquet', 'two');
  }, 60_000);

  afterAll(async () => {
    reader.destroy();
    await guarded.stop();
  });

  it('lets the role list, read and copy within what its policy allows, recorded as its decisions', async () => {
    // Act
    const listing = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'raw/' }));
    await reader.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'raw/copy.parquet',
        CopySource: `${BUCKET}/raw/items/LOAD00000001.parquet`,
      }),
    );

    // Assess
    expect(listing.Contents?.map((object) => object.Key)).toEqual(['raw/items/LOAD00000001.parquet']);
    const decisions = guarded.iam?.record
      .all()
      .map((entry) => [entry.action, entry.resource, entry.decision]);
    expect(decisions).toEqual(
      expect.arrayContaining([
        ['s3:ListBucket', `arn:aws:s3:::${BUCKET}`, 'allow'],
        ['s3:GetObject', `arn:aws:s3:::${BUCKET}/raw/items/LOAD00000001.parquet`, 'allow'],
        ['s3:PutObject', `arn:aws:s3:::${BUCKET}/raw/copy.parquet`, 'allow'],
      ]),
    );
  });

  it('refuses a read, a copy from outside the allowed folder and a delete with AccessDenied', async () => {
    // Act
    const read = await errorOf(
      reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'secret/LOAD00000001.parquet' })),
    );
    const copy = await errorOf(
      reader.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'raw/stolen.parquet',
          CopySource: `${BUCKET}/secret/LOAD00000001.parquet`,
        }),
      ),
    );
    const remove = await errorOf(
      reader.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'raw/copy.parquet' })),
    );

    // Assess
    expect([read.name, read.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(read.message).toContain(
      `s3:GetObject on resource: arn:aws:s3:::${BUCKET}/secret/LOAD00000001.parquet`,
    );
    expect(copy.message).toContain(
      `s3:GetObject on resource: arn:aws:s3:::${BUCKET}/secret/LOAD00000001.parquet`,
    );
    expect(remove.message).toContain(`s3:DeleteObject on resource: arn:aws:s3:::${BUCKET}/raw/copy.parquet`);
    await expect(readFile(objectPath(guarded.lakeDir, BUCKET, 'raw/stolen.parquet'))).rejects.toThrow();
  });

  it('reports each key a batch delete may not delete, and deletes none of them', async () => {
    // Act
    const batch = await reader.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: 'raw/items/LOAD00000001.parquet' }], Quiet: true },
      }),
    );

    // Assess
    expect(batch.Errors?.map((error) => [error.Key, error.Code])).toEqual([
      ['raw/items/LOAD00000001.parquet', 'AccessDenied'],
    ]);
    expect(
      await readFile(objectPath(guarded.lakeDir, BUCKET, 'raw/items/LOAD00000001.parquet'), 'utf8'),
    ).toBe('one');
  });
});
