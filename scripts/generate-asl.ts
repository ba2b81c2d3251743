import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { STATE_MACHINE_NAMES, stateMachineDefinitionPath } from '#contracts/names';
import { renderDefinition } from '../infra/asl/machines/index.ts';

/**
 * Writes `statemachines/*.asl.json` from the builders in `infra/asl/`, formatted as Biome formats JSON; a test
 * fails when a committed file differs from what the builders emit.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const files = STATE_MACHINE_NAMES.map((name) => {
  const file = stateMachineDefinitionPath(name);
  writeFileSync(`${root}${file}`, renderDefinition(name));
  return file;
});
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
execFileSync(process.execPath, [biome, 'format', '--write', ...files], { cwd: root, stdio: 'inherit' });
for (const file of files) console.log(`wrote ${file}`);
