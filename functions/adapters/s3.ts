/**
 * The lake's objects, for a table resync (docs/lake.md, "Resync"): list a table's folder, copy its files to the
 * generation they belong to, keep the list of what was copied, and delete what the reload left of the old load.
 */
import type { StoredObject } from '#domain/lake/generations';
import { s3Client, s3Sdk } from './clients.ts';
import { isFault } from './faults.ts';
import { awsCall } from './retry.ts';

/** S3 deletes at most this many keys per DeleteObjects. */
const DELETE_BATCH = 1000;

/** Every object under `prefix`, with its ETag as S3 reports it (quoted). */
export const listObjects = async (bucket: string, prefix: string): Promise<StoredObject[]> => {
  const sdk = await s3Sdk();
  const client = await s3Client();
  const objects: StoredObject[] = [];
  let token: string | undefined;
  do {
    const continuation = token;
    const page = await awsCall('ListObjectsV2', () =>
      client.send(
        new sdk.ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(continuation ? { ContinuationToken: continuation } : {}),
        }),
      ),
    );
    for (const object of page.Contents ?? [])
      if (object.Key !== undefined) objects.push({ key: object.Key, etag: object.ETag ?? '' });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
};

/** CopySource is `<bucket>/<key>`, URL-encoded; the slashes between key segments stay. */
const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** Copies one object within the bucket; the copy keeps the bucket's default encryption. */
export const copyObject = async (bucket: string, from: string, to: string): Promise<void> => {
  const sdk = await s3Sdk();
  const client = await s3Client();
  await awsCall('CopyObject', () =>
    client.send(new sdk.CopyObjectCommand({ Bucket: bucket, Key: to, CopySource: copySource(bucket, from) })),
  );
};

/** Writes a JSON document. */
export const putJson = async (bucket: string, key: string, body: unknown): Promise<void> => {
  const sdk = await s3Sdk();
  const client = await s3Client();
  await awsCall('PutObject', () =>
    client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
      }),
    ),
  );
};

/** Reads a JSON document; undefined when there is no object under the key. */
export const getJson = async (bucket: string, key: string): Promise<unknown> => {
  const sdk = await s3Sdk();
  const client = await s3Client();
  const text = await awsCall('GetObject', async () => {
    try {
      const output = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await output.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      // Caught inside the attempt: a missing object is an answer, not a fault to retry or classify.
      if (isFault(error, 'NoSuchKey')) return undefined;
      throw error;
    }
  });
  return text === undefined ? undefined : JSON.parse(text);
};

/** Deletes the keys (a key already gone is fine, as S3 answers); fails naming the keys S3 would not delete. */
export const deleteObjects = async (bucket: string, keys: readonly string[]): Promise<void> => {
  const sdk = await s3Sdk();
  const client = await s3Client();
  for (let start = 0; start < keys.length; start += DELETE_BATCH) {
    const batch = keys.slice(start, start + DELETE_BATCH);
    await awsCall('DeleteObjects', async () => {
      const output = await client.send(
        new sdk.DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
        }),
      );
      const failed = output.Errors ?? [];
      const first = failed[0];
      if (first === undefined) return;
      // Thrown inside the attempt, named by S3's code: the retry policy classifies it like any S3 fault.
      throw Object.assign(
        new Error(
          `${failed.length} of ${batch.length} keys not deleted, e.g. ${first.Key}: ${first.Code} ${first.Message}`,
        ),
        { name: first.Code ?? 'InternalError' },
      );
    });
  }
};
