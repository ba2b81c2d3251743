/**
 * `npm run bench`: prints each section's figures, or one JSON object with `--json`.
 * Sections live in `bench/sections/*.ts`, each exporting `run(): Promise<Record<string, unknown>>`.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Section {
  readonly title: string;
  /** Key in the JSON output. */
  readonly key: string;
  run(): Promise<unknown>;
  /** Lines for humans. */
  format(result: unknown): string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((arg) => !arg.startsWith('--'));

const sectionFiles = (await readdir(join(here, 'sections'))).filter((file) => file.endsWith('.ts')).sort();
const output: Record<string, unknown> = {};
for (const file of sectionFiles) {
  const section = (await import(pathToFileURL(join(here, 'sections', file)).href)).default as Section;
  if (only.length > 0 && !only.includes(section.key) && !only.includes(basename(file, '.ts'))) continue;
  if (!json) console.log(`\n== ${section.title}`);
  const result = await section.run();
  output[section.key] = result;
  if (!json) for (const line of section.format(result)) console.log(line);
}
if (json) console.log(JSON.stringify(output, null, 2));
