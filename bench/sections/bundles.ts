/**
 * `bundles`: builds every handler (`npm run build`), then reports each bundle's size and its median cold import
 * time, each import in a fresh Node process with dummy configuration so that cold-start env validation passes.
 * Budget: 300 KB per bundle, 150 ms median cold import.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ENV, type EnvName } from '#contracts/env';
import { APP_NAME } from '#contracts/names';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bundlesDir = join(root, 'dist', 'functions');

const RUNS = 5;
export const BUDGET = { bytes: 300 * 1024, coldImportMs: 150 } as const;

export interface BundleFigures {
  readonly name: string;
  readonly bytes: number;
  readonly coldImportMs: number;
}

const DUMMY_ENV: Record<EnvName, string> = {
  [ENV.registryTableName]: `${APP_NAME}-registry`,
  [ENV.eventBusName]: APP_NAME,
  [ENV.dmsS3AccessRoleArn]: 'arn:aws:iam::123456789012:role/bench-dms-s3',
  [ENV.dmsSecretsAccessRoleArn]: 'arn:aws:iam::123456789012:role/bench-dms-secrets',
  [ENV.networks]: JSON.stringify({
    default: { replicationSubnetGroupId: 'bench-subnets', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
  }),
  [ENV.lakeBucketOwner]: '123456789012',
};

// Prints the milliseconds one `import()` of the bundle took; any failure to load fails the process.
const MEASURE = `const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));`;

const coldImportMs = async (file: string): Promise<number> => {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', MEASURE, pathToFileURL(file).href],
    {
      env: { ...process.env, ...DUMMY_ENV, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
    },
  );
  return Number(stdout);
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const measure = async (name: string): Promise<BundleFigures> => {
  const file = join(bundlesDir, name, 'index.mjs');
  const samples: number[] = [];
  // One at a time: parallel imports would compete for the same cores and inflate every figure.
  for (let i = 0; i < RUNS; i++) samples.push(await coldImportMs(file));
  return { name, bytes: (await stat(file)).size, coldImportMs: Math.round(median(samples) * 10) / 10 };
};

export default {
  title: `Lambda bundles: minified size and median cold import (${RUNS} fresh processes each)`,
  key: 'bundles',
  run: async (): Promise<BundleFigures[]> => {
    await run(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root });
    const names = (await readdir(bundlesDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const figures: BundleFigures[] = [];
    for (const name of names) figures.push(await measure(name));
    return figures;
  },
  format: (result: unknown): string[] => {
    const figures = result as BundleFigures[];
    const over = (figure: BundleFigures) =>
      [
        figure.bytes > BUDGET.bytes ? 'over size budget' : '',
        figure.coldImportMs > BUDGET.coldImportMs ? 'over import budget' : '',
      ]
        .filter(Boolean)
        .join(', ');
    return [
      `${'handler'.padEnd(28)} ${'KB'.padStart(7)} ${'cold import ms'.padStart(15)}`,
      ...figures.map((figure) =>
        `${figure.name.padEnd(28)} ${(figure.bytes / 1024).toFixed(1).padStart(7)} ${figure.coldImportMs
          .toFixed(1)
          .padStart(15)}  ${over(figure)}`.trimEnd(),
      ),
      `budget: ${BUDGET.bytes / 1024} KB and ${BUDGET.coldImportMs} ms per bundle`,
    ];
  },
};
