/**
 * Bundles every handler in `functions/handlers/` into its own minified ESM file for the Lambda Node.js 22 runtime:
 * `dist/functions/<name>/index.mjs` plus its source map. `npm run build` runs this file (`--outdir <dir>` writes
 * elsewhere); the CDK stack and the bundles bench use the same output.
 *
 * - `@aws-sdk/*` stays external: the Node.js 22 runtime ships AWS SDK v3, and leaving it out keeps every bundle
 *   small (bundling the DMS and DynamoDB clients alone adds about 400 KB). Handlers use only long-stable operations,
 *   so the runtime's SDK version suffices.
 * - `pg-native` stays external: `pg` loads it only when asked for its native binding, which lakeshift never does.
 * - A `createRequire` banner gives the CommonJS code esbuild wraps (`pg` and its dependencies) a `require` for
 *   Node's built-in modules inside an ESM bundle.
 * - zod's locale index is replaced by an empty module. `import { z } from 'zod'` keeps zod's whole namespace object,
 *   which re-exports every locale (about 260 KB); zod registers its English messages from `locales/en.js` directly,
 *   and lakeshift never selects another locale.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const HANDLERS_DIR = join(root, 'functions', 'handlers');
const DEFAULT_OUT_DIR = join(root, 'dist', 'functions');

const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'zod')}`)
        ? { path: 'zod-locales', namespace: 'empty' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/** Handler names, from the file names in `functions/handlers/` (a test checks they match HANDLER_NAMES). */
export const handlerNames = async () =>
  (await readdir(HANDLERS_DIR))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();

/** esbuild options for a set of handlers: one entry point per handler, `<name>/index.mjs` in `outdir`. */
export const bundleOptions = (names, outdir = DEFAULT_OUT_DIR) => ({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(names.map((name) => [`${name}/index`, join(HANDLERS_DIR, `${name}.ts`)])),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*', 'pg-native'],
  banner: { js: REQUIRE_BANNER },
  plugins: [withoutZodLocales],
  logLevel: 'warning',
});

/** Builds every handler (or `names`) into a clean `outdir`; returns each bundle's file and size in bytes. */
export const buildHandlers = async ({ names, outdir = DEFAULT_OUT_DIR } = {}) => {
  const selected = names ?? (await handlerNames());
  await rm(outdir, { recursive: true, force: true });
  await build(bundleOptions(selected, outdir));
  return Promise.all(
    selected.map(async (name) => {
      const file = join(outdir, name, 'index.mjs');
      return { name, file, bytes: (await stat(file)).size };
    }),
  );
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const bundles = await buildHandlers({ outdir: values.outdir ? resolve(values.outdir) : DEFAULT_OUT_DIR });
  for (const bundle of bundles) {
    console.log(`${bundle.name.padEnd(28)} ${(bundle.bytes / 1024).toFixed(1).padStart(7)} KB`);
  }
}
