import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_NAMES } from '#contracts/names';
import { HANDLER_TEST_ENV } from '#test/lambda-context';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
let outdir = '';

beforeAll(async () => {
  // Inside the repository, so that the external AWS SDK resolves from node_modules as the Lambda runtime provides it.
  await mkdir(join(root, 'dist'), { recursive: true });
  outdir = await mkdtemp(join(root, 'dist', 'test-bundles-'));
  await run(process.execPath, [join(root, 'esbuild.config.mjs'), '--outdir', outdir], { cwd: root });
}, 120_000);
afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

/** Imports a bundle in a fresh Node process, as the Lambda runtime would, and reports its export's type. */
const loadInFreshProcess = async (name: string): Promise<string> => {
  const { stdout } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler);',
      pathToFileURL(join(outdir, name, 'index.mjs')).href,
    ],
    { env: { ...process.env, ...HANDLER_TEST_ENV, NODE_NO_WARNINGS: '1' } },
  );
  return stdout;
};

describe('Build: esbuild.config.mjs', () => {
  it('writes one minified ESM bundle and its source map per handler', async () => {
    // Act
    const folders = (await readdir(outdir)).sort();
    // Assess
    expect(folders).toEqual([...HANDLER_NAMES].sort());
    for (const name of HANDLER_NAMES) {
      expect((await readdir(join(outdir, name))).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    }
  });

  it('leaves the AWS SDK out of the bundles (the Lambda runtime provides it)', async () => {
    // Act
    const { size } = await stat(join(outdir, 'describe-resources', 'index.mjs'));
    // Assess: the DMS client alone would add hundreds of KB.
    expect(size).toBeLessThan(200 * 1024);
  });

  it.each(['drop-replication-slot', 'validate-request'])(
    'produces a %s bundle that loads in a fresh Node process (CommonJS dependencies included)',
    async (name) => {
      // Act
      const exported = await loadInFreshProcess(name);
      // Assess
      expect(exported).toBe('function');
    },
  );
});
