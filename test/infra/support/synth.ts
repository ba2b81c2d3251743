/** Synthesizes the lakeshift stack for template tests: stub handler code, cdk-nag registered as in infra/app.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  DEFAULT_NETWORK_NAME,
  type HandlerName,
  isSourceHandler,
  sourceFunctionName,
} from '#contracts/names';
import { parseLakeshiftConfig } from '../../../infra/config/load.ts';
import { inlineStubHandlerCode } from '../../../infra/constructs/handler-code.ts';
import { LakeshiftStack } from '../../../infra/lakeshift-stack.ts';
import { addNagPacks, NAG_PACK_NAMES, type NagPackName, nagPack } from '../../../infra/nag/packs.ts';

export const ROOT_DIR = fileURLToPath(new URL('../../..', import.meta.url));

export const exampleConfig = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT_DIR, 'infra/config/example.config.json'), 'utf8')) as Record<
    string,
    unknown
  >;

export interface Synthesized {
  readonly stack: LakeshiftStack;
  readonly template: Template;
  /** The raw template (for walking every policy document). */
  readonly json: CloudFormationTemplate;
  /** Folder of the cloud assembly: file assets such as the state machine definitions are staged there. */
  readonly assemblyDir: string;
  /** Each cdk-nag pack run directly on the tree (synthesis has already failed if one found anything). */
  readonly nagReports: Readonly<Record<NagPackName, PolicyValidationPluginReport>>;
  readonly app: App;
}

export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}
export interface CloudFormationTemplate {
  readonly Resources: Record<string, CloudFormationResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

export const synthesize = (rawConfig: unknown = exampleConfig()): Synthesized => {
  const app = new App();
  addNagPacks(app);
  const stack = new LakeshiftStack(app, 'Lakeshift', {
    config: parseLakeshiftConfig(rawConfig),
    rootDir: ROOT_DIR,
    handlerCode: inlineStubHandlerCode,
  });
  const assembly = app.synth();
  const json = assembly.getStackArtifact(stack.artifactId).template as CloudFormationTemplate;
  return {
    stack,
    template: Template.fromJSON(json),
    json,
    assemblyDir: assembly.directory,
    nagReports: Object.fromEntries(
      NAG_PACK_NAMES.map((name) => [name, nagPack(name).validateScope(app)]),
    ) as Record<NagPackName, PolicyValidationPluginReport>,
    app,
  };
};

/** Resources of one type, by logical id. */
export const resourcesOfType = (
  json: CloudFormationTemplate,
  type: string,
): [string, CloudFormationResource][] =>
  Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);

/**
 * The logical id of the handler function with this name (functions are described `lakeshift <name>`); for a
 * handler that connects to sources, its copy in `network` (named by `sourceFunctionName`).
 */
export const handlerFunctionId = (
  json: CloudFormationTemplate,
  name: HandlerName,
  network = DEFAULT_NETWORK_NAME,
): string => {
  const found = resourcesOfType(json, 'AWS::Lambda::Function').find(
    ([, resource]) =>
      resource.Properties?.['Description'] === `lakeshift ${name}` &&
      (!isSourceHandler(name) ||
        resource.Properties['FunctionName'] === sourceFunctionName('lakeshift', name, network)),
  );
  if (!found) throw new Error(`no function for handler ${name}`);
  return found[0];
};

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every policy statement in the template, with where it sits. */
export const allStatements = (
  json: CloudFormationTemplate,
): { owner: string; statement: PolicyStatement }[] => {
  const found: { owner: string; statement: PolicyStatement }[] = [];
  const add = (owner: string, document: unknown): void => {
    const statements = (document as { Statement?: PolicyStatement | PolicyStatement[] } | undefined)
      ?.Statement;
    for (const statement of Array.isArray(statements) ? statements : statements ? [statements] : []) {
      found.push({ owner, statement });
    }
  };
  for (const [id, resource] of Object.entries(json.Resources)) {
    const properties = resource.Properties ?? {};
    for (const key of ['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument']) add(id, properties[key]);
    const inline = properties['Policies'];
    if (Array.isArray(inline)) {
      for (const policy of inline as { PolicyDocument: unknown }[]) add(id, policy.PolicyDocument);
    }
  }
  return found;
};

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Replaces asset hashes (64 hex characters) so that code changes do not churn the snapshot. */
export const withoutAssetHashes = (json: CloudFormationTemplate): unknown =>
  JSON.parse(JSON.stringify(json).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
