import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { HandlerName } from '#contracts/names';

/**
 * Where a handler's code comes from. The stack asks this seam for every function, so production synthesis uses
 * the esbuild bundles while template tests use a stub and never bundle.
 */
export type HandlerCode = (name: HandlerName) => lambda.Code;

/** Folder of a handler's bundle (`npm run build` writes `index.mjs` there), relative to the repository root. */
export const handlerBundleDir = (name: HandlerName): string => `dist/functions/${name}`;

/** The build has not produced a bundle the stack needs. */
export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/** Production code: the esbuild bundle of each handler, as a Lambda asset. */
export const bundledHandlerCode =
  (rootDir: string): HandlerCode =>
  (name) => {
    const dir = join(rootDir, handlerBundleDir(name));
    if (!existsSync(join(dir, 'index.mjs'))) {
      throw new MissingBundleError(
        `${handlerBundleDir(name)}/index.mjs is missing: run \`npm run build\` first`,
      );
    }
    return lambda.Code.fromAsset(dir);
  };

/** Test code: the same inline stub for every handler (the template under test does not depend on the code). */
export const inlineStubHandlerCode: HandlerCode = () =>
  lambda.Code.fromInline('exports.handler = async () => ({});');
