/**
 * The template `cdk synth` produces for the local stack's config (`local-stack-config.json`), synthesized in
 * process with stub handler code (no bundling), and cached on disk by a hash of everything that shapes it: the
 * config, `infra/`, `functions/contracts/`, `statemachines/` and the aws-cdk-lib version. A cache hit costs a file
 * read; a miss costs one synthesis (seconds).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudFormationTemplate } from './intrinsics.ts';

const REPOSITORY_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
export const LOCAL_STACK_CONFIG_PATH = join(REPOSITORY_ROOT, 'local/aws/iam/local-stack-config.json');
const SHAPING_FOLDERS = ['infra', 'functions/contracts', 'statemachines'];
export const TEMPLATE_CACHE_DIR = join(REPOSITORY_ROOT, '.lakeshift/cache/iam');

const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat().sort();
};

const contentHash = async (config: unknown): Promise<string> => {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(config));
  const cdkPackage = await readFile(join(REPOSITORY_ROOT, 'node_modules/aws-cdk-lib/package.json'), 'utf8');
  hash.update((JSON.parse(cdkPackage) as { version: string }).version);
  for (const folder of SHAPING_FOLDERS) {
    for (const file of await filesUnder(join(REPOSITORY_ROOT, folder))) {
      hash.update(relative(REPOSITORY_ROOT, file));
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex').slice(0, 24);
};

/** Synthesizes the stack for `config` (the infra code is imported only on a cache miss). */
const synthesize = async (config: unknown): Promise<CloudFormationTemplate> => {
  const [{ App }, { parseLakeshiftConfig }, { inlineStubHandlerCode }, { LakeshiftStack }] =
    await Promise.all([
      import('aws-cdk-lib'),
      import('../../../infra/config/load.ts'),
      import('../../../infra/constructs/handler-code.ts'),
      import('../../../infra/lakeshift-stack.ts'),
    ]);
  const app = new App({ outdir: join(TEMPLATE_CACHE_DIR, 'assembly') });
  const stack = new LakeshiftStack(app, 'Lakeshift', {
    config: parseLakeshiftConfig(config),
    rootDir: REPOSITORY_ROOT,
    handlerCode: inlineStubHandlerCode,
  });
  return app.synth().getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
};

export const readLocalStackConfig = async (): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(LOCAL_STACK_CONFIG_PATH, 'utf8')) as Record<string, unknown>;

/** The synthesized template for `config` (the local stack's by default), from the cache when it is current. */
export const synthesizedTemplate = async (config?: unknown): Promise<CloudFormationTemplate> => {
  const effective = config ?? (await readLocalStackConfig());
  const file = join(TEMPLATE_CACHE_DIR, `template-${await contentHash(effective)}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CloudFormationTemplate;
  } catch {
    const template = await synthesize(effective);
    await mkdir(TEMPLATE_CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(template));
    await rename(partial, file);
    return template;
  }
};
