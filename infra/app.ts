/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`): reads the config, builds the stack from the esbuild bundles,
 * and runs cdk-nag's AWS Solutions and Serverless checks, so a finding nobody acknowledged fails synthesis.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { loadLakeshiftConfig } from './config/load.ts';
import { bundledHandlerCode } from './constructs/handler-code.ts';
import { LakeshiftStack } from './lakeshift-stack.ts';
import { addNagPacks } from './nag/packs.ts';

const rootDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
const { config, source } = loadLakeshiftConfig(rootDir, (key) => app.node.tryGetContext(key));
process.stderr.write(
  `lakeshift: config from ${source} (account ${config.account}, region ${config.region})\n`,
);
addNagPacks(app);
new LakeshiftStack(app, 'Lakeshift', { config, rootDir, handlerCode: bundledHandlerCode(rootDir) });
app.synth();
