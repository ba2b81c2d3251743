/**
 * The objects of the local S3: files of the lake folder, where the local DMS data plane writes its Parquet files.
 * A bucket is a first-level folder of the lake; a key maps to a file as `objectPath` maps it (one folder per `/`).
 * Folders are not objects, and a write's temporary files are not listed. An object's ETag is the quoted hex MD5 of
 * its content (what S3 gives an object uploaded in one part), computed once per file size and modification time.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Clock } from '../../clock.ts';
import { isTemporaryName, keyOfNames, objectPath, publishFile, temporaryPath } from '../../dataplane/lake.ts';

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly etag: string;
}

export interface ObjectAddress {
  readonly bucket: string;
  readonly key: string;
}

export class NoSuchBucketError extends Error {
  override readonly name = 'NoSuchBucketError';
}

export class NoSuchKeyError extends Error {
  override readonly name = 'NoSuchKeyError';
}

/** A key whose file cannot exist beside another key's folder (`a` and `a/b`), which S3 allows and a folder does not. */
export class KeyConflictError extends Error {
  override readonly name = 'KeyConflictError';
}

const isMissing = (error: unknown): boolean =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

export class LakeObjects {
  private readonly etags = new Map<string, { readonly stamp: string; readonly etag: string }>();

  constructor(
    readonly lakeDir: string,
    private readonly clock: Clock,
  ) {}

  async assertBucket(bucket: string): Promise<void> {
    const found = await stat(join(this.lakeDir, bucket)).catch(() => undefined);
    if (!found?.isDirectory()) throw new NoSuchBucketError(bucket);
  }

  /** Every object whose key starts with `prefix`, in the UTF-8 binary order S3 lists keys in. */
  async list(bucket: string, prefix: string): Promise<StoredObject[]> {
    await this.assertBucket(bucket);
    const root = join(this.lakeDir, bucket);
    // Only the folder of the prefix's complete segments can hold matching keys.
    const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const start = folderKey === '' ? root : dirname(objectPath(this.lakeDir, bucket, `${folderKey}x`));
    const entries = await readdir(start, { withFileTypes: true, recursive: true }).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    const keys = entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep))
      // A write in progress (a temporary file, or a load's staging folder) is no object yet.
      .filter((names) => !names.some(isTemporaryName))
      .map(keyOfNames)
      .filter((key) => key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const objects: StoredObject[] = [];
    for (const key of keys) {
      const object = await this.head(bucket, key).catch((error: unknown) => {
        // A file deleted between the listing and its stat is no longer an object.
        if (error instanceof NoSuchKeyError) return undefined;
        throw error;
      });
      if (object) objects.push(object);
    }
    return objects;
  }

  async head(bucket: string, key: string): Promise<StoredObject> {
    const path = objectPath(this.lakeDir, bucket, key);
    const found = await stat(path).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (!found?.isFile()) {
      await this.assertBucket(bucket);
      throw new NoSuchKeyError(key);
    }
    const stamp = `${found.size}:${found.mtimeMs}`;
    let cached = this.etags.get(path);
    if (cached?.stamp !== stamp) {
      cached = { stamp, etag: etagOf(await readFile(path)) };
      this.etags.set(path, cached);
    }
    return { key, size: found.size, lastModified: Math.floor(found.mtimeMs), etag: cached.etag };
  }

  async get(bucket: string, key: string): Promise<{ readonly object: StoredObject; readonly body: Buffer }> {
    const object = await this.head(bucket, key);
    return { object, body: await readFile(objectPath(this.lakeDir, bucket, key)) };
  }

  async put(bucket: string, key: string, body: Buffer): Promise<StoredObject> {
    return this.publish(bucket, key, (temporary) => writeFile(temporary, body));
  }

  async copy(source: ObjectAddress, target: ObjectAddress): Promise<StoredObject> {
    await this.head(source.bucket, source.key);
    const sourcePath = objectPath(this.lakeDir, source.bucket, source.key);
    return this.publish(target.bucket, target.key, (temporary) => copyFile(sourcePath, temporary));
  }

  /** Deletes an object; deleting a key that does not exist succeeds, as S3 answers it. */
  async delete(bucket: string, key: string): Promise<void> {
    await this.assertBucket(bucket);
    const path = objectPath(this.lakeDir, bucket, key);
    const found = await stat(path).catch(() => undefined);
    if (found?.isFile()) await rm(path, { force: true });
    this.etags.delete(path);
  }

  /** Writes the object's file under a temporary name, then renames it, so a reader never sees part of it. */
  private async publish(
    bucket: string,
    key: string,
    write: (temporary: string) => Promise<void>,
  ): Promise<StoredObject> {
    await this.assertBucket(bucket);
    const path = objectPath(this.lakeDir, bucket, key);
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isDirectory()) throw new KeyConflictError(key);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'EEXIST' ||
        (error as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        throw new KeyConflictError(key);
      throw error;
    }
    const temporary = temporaryPath(dirname(path), path.slice(dirname(path).length + 1));
    try {
      await write(temporary);
      // LastModified follows the emulated clock, as every other time of the local AWS does.
      const now = new Date(this.clock.now());
      await utimes(temporary, now, now);
      await publishFile(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return this.head(bucket, key);
  }
}

/** S3's ETag of an object uploaded in one part: the hex MD5 of its content, in double quotes. */
export const etagOf = (content: Buffer): string => `"${createHash('md5').update(content).digest('hex')}"`;
