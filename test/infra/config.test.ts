import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_FILE,
  InvalidConfigError,
  loadLakeshiftConfig,
  parseLakeshiftConfig,
} from '../../infra/config/load.ts';
import { exampleConfig } from './support/synth.ts';

const minimalConfig = () => ({
  account: '123456789012',
  region: 'eu-west-1',
  networks: { default: { vpc: { mode: 'create' }, sources: { cidrs: ['10.1.0.0/16'] } } },
  sourceSecrets: { arns: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf'] },
});

const issuesOf = (raw: unknown): string[] => {
  try {
    parseLakeshiftConfig(raw);
  } catch (error) {
    if (error instanceof InvalidConfigError)
      return error.issues.map((issue) => `${issue.path}: ${issue.rule}`);
    throw error;
  }
  return [];
};

describe('parseLakeshiftConfig', () => {
  it('accepts the example config', () => {
    // Act
    const config = parseLakeshiftConfig(exampleConfig());
    // Assess
    expect(config.stackName).toBe('lakeshift');
    expect(Object.keys(config.networks)).toEqual(['default', 'warehouse']);
    expect(config.sourceSecrets.namePrefix).toBe('lakeshift/');
  });

  it('fills the documented defaults into a minimal config', () => {
    // Act
    const config = parseLakeshiftConfig(minimalConfig());
    // Assess
    expect(config).toMatchObject({
      stackName: 'lakeshift',
      networks: {
        default: {
          vpc: { mode: 'create', cidr: '10.80.0.0/20' },
          sources: { port: 5432, securityGroupIds: [] },
        },
      },
      lake: {
        bucket: { mode: 'create' },
        folder: 'raw',
        readerRoleArns: [],
        accessLogsRetentionDays: 365,
        retainOnDelete: true,
        catalogRefreshMinutes: 15,
      },
      accountRoles: { dmsVpcRole: false, dmsCloudWatchLogsRole: false },
      logRetentionDays: 30,
    });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.s3PrefixListId).toBeUndefined();
  });

  it('names every invalid field with its rule in one error', () => {
    // Prepare
    const raw = {
      account: '12345',
      region: 'Europe',
      networks: {
        Payments: { vpc: { mode: 'create', cidr: '10.0.0.0/8' }, sources: {} },
      },
      sourceSecrets: { arns: ['not-an-arn'], namePrefix: 'db/' },
      alarmEmail: 'ops',
      logRetentionDays: 10,
      lake: { foldr: 'raw' },
    };
    // Act
    const issues = issuesOf(raw);
    // Assess
    expect(issues).toEqual([
      'account: must be a 12-digit AWS account id',
      'region: must be an AWS region such as us-east-1',
      'networks.Payments.vpc.cidr: must be an IPv4 CIDR with a prefix from /16 to /22',
      'networks.Payments.sources: must list one source security group id or CIDR at least',
      'networks.Payments: network names are 1–31 lower-case letters, digits, hyphens, starting with a letter',
      'networks: must define a network named "default"',
      'lake.foldr: unknown key',
      'sourceSecrets.arns[0]: must be a Secrets Manager secret ARN',
      'sourceSecrets: must set exactly one of arns and namePrefix',
      'alarmEmail: must be an e-mail address',
      'logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
    ]);
  });

  it('puts the count and every field in the message', () => {
    // Act
    const act = () => parseLakeshiftConfig({ ...minimalConfig(), account: 'x', stackName: '9lives' });
    // Assess
    expect(act).toThrow(
      'Invalid lakeshift config in config (2 problems): account: must be a 12-digit AWS account id; stackName: must start with a letter and hold at most 40 letters, digits, hyphens',
    );
  });

  it("refuses a network whose source handlers' function names would pass Lambda's 64 characters, naming the longest", () => {
    // Prepare: 'lakeshift-inspect-replication-slots-' is 36 characters, so a network may have 28.
    const network = { vpc: { mode: 'create' }, sources: { cidrs: ['10.1.0.0/16'] } };
    const raw = {
      ...minimalConfig(),
      networks: { default: network, ['a'.repeat(28)]: network, ['b'.repeat(29)]: network },
    };
    // Act
    const issues = issuesOf(raw);
    // Assess
    expect(issues).toEqual([
      `networks.${'b'.repeat(29)}: network name too long for stack "lakeshift": the function lakeshift-inspect-replication-slots-${'b'.repeat(29)} has 65 characters, Lambda allows 64`,
    ]);
  });

  it('requires imported networks to span two zones of the configured region', () => {
    // Prepare
    const raw = {
      ...minimalConfig(),
      networks: {
        default: {
          vpc: {
            mode: 'import',
            vpcId: 'vpc-0123456789abcdef0',
            subnets: [
              {
                subnetId: 'subnet-0123456789abcdef0',
                routeTableId: 'rtb-0123456789abcdef0',
                availabilityZone: 'eu-west-1a',
              },
              {
                subnetId: 'subnet-0123456789abcdef1',
                routeTableId: 'rtb-0123456789abcdef1',
                availabilityZone: 'eu-west-1a',
              },
            ],
          },
          sources: { securityGroupIds: ['sg-0123456789abcdef0'] },
        },
      },
    };
    // Act
    const issues = issuesOf(raw);
    // Assess
    expect(issues).toEqual([
      'networks.default.vpc.subnets: must span two availability zones at least (DMS subnet groups require it)',
    ]);
  });

  it('rejects availability zones of another region', () => {
    // Prepare
    const raw = {
      ...minimalConfig(),
      networks: {
        default: {
          vpc: { mode: 'create', availabilityZones: ['eu-west-1a', 'us-east-1b'] },
          sources: { cidrs: ['10.1.0.0/16'] },
        },
      },
    };
    // Act
    const issues = issuesOf(raw);
    // Assess
    expect(issues).toEqual(['networks.default.vpc.availabilityZones[1]: must be a zone of eu-west-1']);
  });
});

describe('loadLakeshiftConfig', () => {
  const repository = (files: Record<string, unknown>): string => {
    const root = mkdtempSync(join(tmpdir(), 'lakeshift-config-'));
    mkdirSync(join(root, 'infra/config'), { recursive: true });
    for (const [path, content] of Object.entries(files))
      writeFileSync(join(root, path), JSON.stringify(content));
    return root;
  };

  it('prefers a file named in context, then an object in context, then the config file, then the example', () => {
    // Prepare
    const root = repository({
      'custom.json': { ...minimalConfig(), stackName: 'fromPath' },
      [CONFIG_FILE]: { ...minimalConfig(), stackName: 'fromFile' },
      'infra/config/example.config.json': { ...minimalConfig(), stackName: 'fromExample' },
    });
    const context = (values: Record<string, unknown>) => (key: string) => values[key];
    // Act
    const fromPath = loadLakeshiftConfig(
      root,
      context({ lakeshiftConfig: 'custom.json', lakeshift: minimalConfig() }),
    );
    const fromContext = loadLakeshiftConfig(
      root,
      context({ lakeshift: { ...minimalConfig(), stackName: 'fromContext' } }),
    );
    const fromFile = loadLakeshiftConfig(root, context({}));
    // Assess
    expect(
      [fromPath, fromContext, fromFile].map((loaded) => [loaded.source, loaded.config.stackName]),
    ).toEqual([
      ['custom.json', 'fromPath'],
      ['context', 'fromContext'],
      [CONFIG_FILE, 'fromFile'],
    ]);
  });

  it('falls back to the example so that a fresh clone synthesizes', () => {
    // Prepare
    const root = repository({ 'infra/config/example.config.json': minimalConfig() });
    // Act
    const loaded = loadLakeshiftConfig(root, () => undefined);
    // Assess
    expect(loaded.source).toBe('infra/config/example.config.json');
    expect(loaded.config.region).toBe('eu-west-1');
  });

  it('reports a missing or malformed file by name', () => {
    // Prepare
    const root = repository({});
    writeFileSync(join(root, 'broken.json'), '{ "account": ');
    // Act
    const missing = () =>
      loadLakeshiftConfig(root, (key) => (key === 'lakeshiftConfig' ? 'nowhere.json' : undefined));
    const broken = () =>
      loadLakeshiftConfig(root, (key) => (key === 'lakeshiftConfig' ? 'broken.json' : undefined));
    // Assess
    expect(missing).toThrow('Invalid lakeshift config in nowhere.json (1 problem): (root): file not found');
    expect(broken).toThrow(
      /Invalid lakeshift config in broken\.json \(1 problem\): \(root\): not valid JSON/,
    );
  });
});
