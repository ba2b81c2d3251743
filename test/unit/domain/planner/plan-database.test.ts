import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, InvalidInputError, InvalidRequestError } from '#contracts/errors';
import { DEFAULT_LADDER } from '#domain/instance-classes';
import { deriveIdentifiers, stableHash } from '#domain/naming';
import { databasePlanSchema, type PlannerEnvironment } from '#domain/planner/plan';
import { planDatabase, planFleet } from '#domain/planner/plan-database';
import { parseMigrationRequest } from '#domain/request/parse';
import {
  EXPECTED_RESIZE_THRESHOLDS,
  KMS_KEY_ARN,
  secretArnFor,
  threeDatabaseRequest,
  withValue,
} from '../request/fixtures.ts';

const S3_ROLE = 'arn:aws:iam::123456789012:role/lakeshift-dms-s3';
const SECRETS_ROLE = 'arn:aws:iam::123456789012:role/lakeshift-dms-secrets';

const environment = (overrides: Partial<PlannerEnvironment> = {}): PlannerEnvironment => ({
  dmsS3AccessRoleArn: S3_ROLE,
  dmsSecretsAccessRoleArn: SECRETS_ROLE,
  networks: {
    default: { replicationSubnetGroupId: 'lake-private', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
    warehouse: {
      replicationSubnetGroupId: 'warehouse-dms',
      vpcSecurityGroupIds: ['sg-0fedcba9', 'sg-0a1b2c3d'],
    },
  },
  lakeBucketOwner: '123456789012',
  ...overrides,
});

const seedRequest = () => parseMigrationRequest(threeDatabaseRequest());

const TAGS = [
  { Key: 'lakeshift:migration', Value: 'orders-2026' },
  { Key: 'lakeshift:database', Value: 'billing' },
  { Key: 'lakeshift:managed', Value: 'true' },
];

describe('planDatabase with the seed configuration', () => {
  const hash = stableHash('orders-2026', 'billing');
  const planBilling = () => planDatabase(seedRequest(), 'billing', environment());

  it('names the database and derives every identifier from the pair', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.migrationId).toBe('orders-2026');
    expect(plan.databaseId).toBe('billing');
    expect(plan.identifiers).toEqual(deriveIdentifiers('orders-2026', 'billing'));
    expect(plan.identifiers.instance).toBe(`orders-2026-billing-ri-${hash}`);
  });

  it('tags every resource with the migration, the database and the managed marker', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.tags).toEqual(TAGS);
    expect(plan.instance.Tags).toEqual(TAGS);
    expect(plan.sourceEndpoint.Tags).toEqual(TAGS);
    expect(plan.targetEndpoint.Tags).toEqual(TAGS);
    expect(plan.task.Tags).toEqual(TAGS);
  });

  it('plans a private r5.xlarge instance in the default network', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.instance).toEqual({
      ReplicationInstanceIdentifier: `orders-2026-billing-ri-${hash}`,
      ReplicationInstanceClass: 'dms.r5.xlarge',
      AllocatedStorage: 100,
      MultiAZ: false,
      PubliclyAccessible: false,
      ReplicationSubnetGroupIdentifier: 'lake-private',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      Tags: TAGS,
    });
  });

  it('plans a TLS source endpoint that reads credentials from the secret', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.sourceEndpoint).toEqual({
      EndpointIdentifier: `orders-2026-billing-src-${hash}`,
      EndpointType: 'source',
      EngineName: 'postgres',
      DatabaseName: 'billing_db',
      SslMode: 'require',
      PostgreSQLSettings: {
        SecretsManagerSecretId: secretArnFor('billing'),
        SecretsManagerAccessRoleArn: SECRETS_ROLE,
        DatabaseName: 'billing_db',
        MapBooleanAsBoolean: true,
        HeartbeatEnable: true,
        HeartbeatFrequency: 5,
        PluginName: 'test-decoding',
        FailTasksOnLobTruncation: true,
      },
      Tags: TAGS,
    });
    expect(JSON.stringify(plan)).not.toMatch(/password/i);
  });

  it('plans a Parquet S3 target with the seed settings under the database folder', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.targetEndpoint).toEqual({
      EndpointIdentifier: `orders-2026-billing-tgt-${hash}`,
      EndpointType: 'target',
      EngineName: 's3',
      S3Settings: {
        DataFormat: 'parquet',
        EnableStatistics: true,
        DatePartitionEnabled: true,
        MaxFileSize: 64_000,
        CdcMaxBatchInterval: 3600,
        CdcMinFileSize: 64_000,
        IncludeOpForFullLoad: true,
        CompressionType: 'none',
        ParquetTimestampInMillisecond: false,
        TimestampColumnName: 'dms_timestamp',
        ServiceAccessRoleArn: S3_ROLE,
        BucketName: 'acme-lake',
        BucketFolder: 'raw/postgres/billing',
        EncryptionMode: 'sse-kms',
        ServerSideEncryptionKmsKeyId: KMS_KEY_ARN,
        ExpectedBucketOwner: '123456789012',
      },
      Tags: TAGS,
    });
  });

  it('plans a full-load-and-cdc task with the seed task settings', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.task.ReplicationTaskIdentifier).toBe(`orders-2026-billing-task-${hash}`);
    expect(plan.task.MigrationType).toBe('full-load-and-cdc');
    expect(JSON.parse(plan.task.ReplicationTaskSettings)).toEqual({
      TargetMetadata: {
        SupportLobs: true,
        FullLobMode: false,
        LimitedSizeLobMode: true,
        LobMaxSize: 6400,
        BatchApplyEnabled: false,
      },
      FullLoadSettings: {
        TargetTablePrepMode: 'TRUNCATE_BEFORE_LOAD',
        MaxFullLoadSubTasks: 20,
        CommitRate: 50_000,
        StopTaskCachedChangesApplied: true,
        StopTaskCachedChangesNotApplied: false,
      },
      Logging: { EnableLogging: true },
    });
  });

  it('selects every table of every schema and adds the change sequence header to each', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(JSON.parse(plan.task.TableMappings)).toEqual({
      rules: [
        {
          'rule-type': 'selection',
          'rule-id': '1',
          'rule-name': 'include-1',
          'object-locator': { 'schema-name': '%', 'table-name': '%' },
          'rule-action': 'include',
          filters: [],
        },
        {
          'rule-type': 'transformation',
          'rule-id': '2',
          'rule-name': 'add-change-sequence',
          'rule-target': 'column',
          'object-locator': { 'schema-name': '%', 'table-name': '%' },
          'rule-action': 'add-column',
          value: 'dms_change_seq',
          expression: '$AR_H_CHANGE_SEQ',
          'data-type': { type: 'string', length: 50 },
        },
      ],
    });
  });

  it('keeps the source details teardown needs: no slot name (DMS chooses it) and no CA for require', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.source).toEqual({
      secretArn: secretArnFor('billing'),
      databaseName: 'billing_db',
    });
  });

  it('resolves the resize settings with the steady class one rung below the full-load class', () => {
    // Act
    const plan = planBilling();

    // Assess
    expect(plan.resize).toEqual({
      steadyClass: 'dms.r5.large',
      ladder: [...DEFAULT_LADDER],
      floor: 'dms.t3.medium',
      ceiling: 'dms.r5.4xlarge',
      ...EXPECTED_RESIZE_THRESHOLDS,
    });
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    // Prepare
    const plan = planBilling();

    // Act
    const roundTripped = JSON.parse(JSON.stringify(plan));

    // Assess
    expect(roundTripped).toStrictEqual(plan);
  });

  it('is what the plan schema describes: parsing it gives it back unchanged', () => {
    // Prepare
    const plan = planBilling();

    // Act
    const parsed = databasePlanSchema.parse(plan);

    // Assess
    expect(parsed).toStrictEqual(plan);
  });

  it('gives the same plan for the same request and environment', () => {
    // Prepare
    const plan = planBilling();

    // Act
    const again = planBilling();

    // Assess
    expect(again).toEqual(plan);
  });
});

describe('planDatabase with overrides', () => {
  it('applies request-wide overrides to every database', () => {
    // Prepare
    let input = threeDatabaseRequest();
    input = withValue(input, 'target.bucketOwner', '210987654321');
    input = withValue(input, 'target.s3Settings', { CdcMaxBatchInterval: 60, CompressionType: 'GZIP' });
    input = withValue(input, 'defaults', {
      fullLoadClass: 'dms.r5.2xlarge',
      allocatedStorageGb: 250,
      multiAz: true,
      engineVersion: '3.5.3',
      sslMode: 'verify-full',
      caCertificate: { certificateArn: 'arn:aws:dms:us-east-1:123456789012:cert:SHAREDCA' },
      lobTruncation: 'truncate',
      pluginName: 'pglogical',
      heartbeat: { frequencyMinutes: 1, schema: 'dms_meta' },
      tables: { include: ['public.%', 'sales.%'], exclude: ['public.tmp_%'] },
      taskSettings: { FullLoadSettings: { MaxFullLoadSubTasks: 8 }, Logging: { EnableLogging: false } },
      resize: { steadyClass: 'auto', cooldownMinutes: 60 },
    });
    input = withValue(input, 'tags', { 'cost-center': 'data' });

    // Act
    const plan = planDatabase(parseMigrationRequest(input), 'orders', environment());

    // Assess
    expect(plan.instance).toMatchObject({
      ReplicationInstanceClass: 'dms.r5.2xlarge',
      AllocatedStorage: 250,
      MultiAZ: true,
      EngineVersion: '3.5.3',
    });
    expect(plan.sourceEndpoint.SslMode).toBe('verify-full');
    expect(plan.sourceEndpoint.PostgreSQLSettings).toMatchObject({
      PluginName: 'pglogical',
      HeartbeatEnable: true,
      HeartbeatFrequency: 1,
      HeartbeatSchema: 'dms_meta',
      FailTasksOnLobTruncation: false,
    });
    expect(plan.targetEndpoint.S3Settings).toMatchObject({
      CdcMaxBatchInterval: 60,
      CompressionType: 'gzip',
      ExpectedBucketOwner: '210987654321',
      DataFormat: 'parquet',
    });
    expect(JSON.parse(plan.task.ReplicationTaskSettings)).toMatchObject({
      FullLoadSettings: { MaxFullLoadSubTasks: 8, CommitRate: 50_000, StopTaskCachedChangesApplied: true },
      Logging: { EnableLogging: false },
    });
    expect(
      JSON.parse(plan.task.TableMappings).rules.map((rule: { 'rule-id': string; 'rule-name': string }) => [
        rule['rule-id'],
        rule['rule-name'],
      ]),
    ).toEqual([
      ['1', 'include-1'],
      ['2', 'include-2'],
      ['3', 'exclude-3'],
      ['4', 'add-change-sequence'],
    ]);
    expect(plan.resize.steadyClass).toBe('auto');
    expect(plan.resize.cooldownMinutes).toBe(60);
    expect(plan.tags.at(-1)).toEqual({ Key: 'cost-center', Value: 'data' });
  });

  it('lets one database override the defaults without changing the others', () => {
    // Prepare
    let input = threeDatabaseRequest();
    input = withValue(input, 'defaults.tables', { include: ['public.%'], exclude: ['public.audit_%'] });
    input = withValue(input, 'defaults.taskSettings', { TargetMetadata: { LobMaxSize: 12_800 } });
    input = withValue(input, 'databases.1.sslMode', 'verify-ca');
    input = withValue(input, 'databases.1.caCertificate', {
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:billing-ca-AbCdEf',
    });
    input = withValue(input, 'databases.1.tables', { include: ['ledger.%'] });
    input = withValue(input, 'databases.1.overrides', {
      fullLoadClass: 'dms.r5.4xlarge',
      heartbeat: { enabled: false },
      taskSettings: { TargetMetadata: { LobMaxSize: 64_000 } },
      s3Settings: { DatePartitionEnabled: false },
      resize: { floor: 'dms.r5.large' },
    });
    const request = parseMigrationRequest(input);

    // Act
    const billing = planDatabase(request, 'billing', environment());
    const orders = planDatabase(request, 'orders', environment());

    // Assess
    expect(billing.instance.ReplicationInstanceClass).toBe('dms.r5.4xlarge');
    expect(billing.sourceEndpoint.SslMode).toBe('verify-ca');
    expect(billing.sourceEndpoint.PostgreSQLSettings).not.toHaveProperty('SlotName');
    expect(billing.source.caCertificate).toEqual({
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:billing-ca-AbCdEf',
    });
    expect(orders.source).not.toHaveProperty('caCertificate');
    expect(billing.sourceEndpoint.PostgreSQLSettings.HeartbeatEnable).toBe(false);
    expect(billing.sourceEndpoint.PostgreSQLSettings).not.toHaveProperty('HeartbeatFrequency');
    expect(JSON.parse(billing.task.ReplicationTaskSettings).TargetMetadata.LobMaxSize).toBe(64_000);
    expect(billing.targetEndpoint.S3Settings.DatePartitionEnabled).toBe(false);
    expect(billing.resize).toMatchObject({ floor: 'dms.r5.large', steadyClass: 'dms.r5.2xlarge' });
    expect(
      JSON.parse(billing.task.TableMappings)
        .rules.filter((rule: { 'rule-type': string }) => rule['rule-type'] === 'selection')
        .map((rule: { 'object-locator': object }) => rule['object-locator']),
    ).toEqual([
      { 'schema-name': 'ledger', 'table-name': '%' },
      { 'schema-name': 'public', 'table-name': 'audit_%' },
    ]);

    expect(orders.instance.ReplicationInstanceClass).toBe('dms.r5.xlarge');
    expect(orders.sourceEndpoint.SslMode).toBe('require');
    expect(orders.sourceEndpoint.PostgreSQLSettings).not.toHaveProperty('SlotName');
    expect(JSON.parse(orders.task.ReplicationTaskSettings).TargetMetadata.LobMaxSize).toBe(12_800);
    expect(orders.targetEndpoint.S3Settings.DatePartitionEnabled).toBe(true);
    expect(orders.resize).toMatchObject({ floor: 'dms.t3.medium', steadyClass: 'dms.r5.large' });
  });

  it('omits the bucket owner when neither the request nor the deployment names one', () => {
    // Prepare
    const { lakeBucketOwner: _omitted, ...withoutOwner } = environment();

    // Act
    const plan = planDatabase(seedRequest(), 'orders', withoutOwner);

    // Assess
    expect(plan.targetEndpoint.S3Settings).not.toHaveProperty('ExpectedBucketOwner');
  });
});

describe('planDatabase network resolution', () => {
  const networkOf = (input: ReturnType<typeof threeDatabaseRequest>, env = environment()) => {
    const plan = planDatabase(parseMigrationRequest(input), 'orders', env);
    return {
      subnetGroup: plan.instance.ReplicationSubnetGroupIdentifier,
      securityGroups: plan.instance.VpcSecurityGroupIds,
    };
  };

  it('uses a named network of the deployment', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.0.network', { name: 'warehouse' });

    // Act
    const network = networkOf(input);

    // Assess
    expect(network).toEqual({ subnetGroup: 'warehouse-dms', securityGroups: ['sg-0fedcba9', 'sg-0a1b2c3d'] });
  });

  it('lets explicit ids override parts of a named network', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.0.network', {
      name: 'warehouse',
      vpcSecurityGroupIds: ['sg-0badc0de'],
    });

    // Act
    const network = networkOf(input);

    // Assess
    expect(network).toEqual({ subnetGroup: 'warehouse-dms', securityGroups: ['sg-0badc0de'] });
  });

  it('uses explicit ids as given, borrowing nothing from the default network', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.0.network', {
      replicationSubnetGroupId: 'partner-vpc',
    });

    // Act
    const network = networkOf(input);

    // Assess
    expect(network).toEqual({ subnetGroup: 'partner-vpc', securityGroups: undefined });
  });

  it('uses the request-wide network when a database names none', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'defaults.network', { name: 'warehouse' });

    // Act
    const network = networkOf(input);

    // Assess
    expect(network).toEqual({ subnetGroup: 'warehouse-dms', securityGroups: ['sg-0fedcba9', 'sg-0a1b2c3d'] });
  });

  it("uses the deployment's default network when the request names none", () => {
    // Act
    const network = networkOf(threeDatabaseRequest());

    // Assess
    expect(network).toEqual({ subnetGroup: 'lake-private', securityGroups: ['sg-0123456789abcdef0'] });
  });

  it('leaves the network to DMS when the deployment has no default network', () => {
    // Act
    const network = networkOf(threeDatabaseRequest(), environment({ networks: {} }));

    // Assess
    expect(network).toEqual({ subnetGroup: undefined, securityGroups: undefined });
  });

  it('rejects an unknown network name, listing the known ones', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.0.network', { name: 'warehous' });

    // Act
    const run = () => networkOf(input);

    // Assess
    expect(run).toThrow(InvalidRequestError);
    expect(run).toThrow(
      'databases[0].network.name: must be one of the deployment\'s networks (default, warehouse), not "warehous"',
    );
  });

  it('rejects a network name when the deployment defines no networks', () => {
    // Prepare
    const input = withValue(threeDatabaseRequest(), 'databases.0.network', { name: 'warehouse' });

    // Act
    const run = () => networkOf(input, environment({ networks: {} }));

    // Assess
    expect(run).toThrow(
      'databases[0].network.name: names network "warehouse" but the deployment defines no networks (LAKESHIFT_NETWORKS)',
    );
  });
});

describe('planDatabase input', () => {
  it('fails with an input error for a database the request does not have', () => {
    // Act
    const run = () => planDatabase(seedRequest(), 'payroll', environment());

    // Assess
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow('Migration "orders-2026" has no database "payroll"');
  });
});

describe('planning against the lake folder of the deployment', () => {
  it('accepts a target folder at or below the lake folder', () => {
    // Act
    const atIt = planDatabase(
      parseMigrationRequest(withValue(threeDatabaseRequest(), 'target.folder', 'raw')),
      'orders',
      environment({ lakeFolder: 'raw' }),
    );
    const below = planDatabase(seedRequest(), 'orders', environment({ lakeFolder: 'raw' }));

    // Assess
    expect(atIt.targetEndpoint.S3Settings.BucketFolder).toBe('raw/orders');
    expect(below.targetEndpoint.S3Settings.BucketFolder).toBe('raw/postgres/orders');
  });

  it('refuses a target folder the deployment cannot write, before planning anything', () => {
    // Prepare
    const request = parseMigrationRequest(
      withValue(threeDatabaseRequest(), 'target.folder', 'rawdata/postgres'),
    );

    // Act
    const plan = () => planFleet(request, environment({ lakeFolder: 'raw' }));

    // Assess
    expect(plan).toThrow(InvalidRequestError);
    expect(plan).toThrow(
      'Invalid migration request (1 problem): target.folder: must be "raw" or a folder below it: the deployment\'s DMS role writes only there (LAKE_FOLDER)',
    );
  });

  it('puts a request without a folder under the lake folder, in a folder named after the migration', () => {
    // Prepare
    const request = parseMigrationRequest(withValue(threeDatabaseRequest(), 'target.folder', undefined));

    // Act
    const underLake = planDatabase(request, 'orders', environment({ lakeFolder: 'raw' }));
    const withoutLake = planDatabase(request, 'orders', environment());

    // Assess
    expect(underLake.targetEndpoint.S3Settings.BucketFolder).toBe(`raw/${request.migrationId}/orders`);
    expect(withoutLake.targetEndpoint.S3Settings.BucketFolder).toBe(`${request.migrationId}/orders`);
  });
});

describe('planFleet', () => {
  it('plans every database in request order with distinct identifiers', () => {
    // Act
    const plans = planFleet(seedRequest(), environment());

    // Assess
    expect(plans.map((plan) => plan.databaseId)).toEqual(['orders', 'billing', 'inventory']);
    expect(plans.map((plan) => plan.targetEndpoint.S3Settings.BucketFolder)).toEqual([
      'raw/postgres/orders',
      'raw/postgres/billing',
      'raw/postgres/inventory',
    ]);
    expect(new Set(plans.map((plan) => plan.identifiers.instance)).size).toBe(3);
  });

  it('reports every database with an unknown network in one error, and an inherited one once', () => {
    // Prepare
    let input = threeDatabaseRequest();
    input = withValue(input, 'defaults.network', { name: 'lab' });
    input = withValue(input, 'databases.1.network', { name: 'dmz' });
    const request = parseMigrationRequest(input);

    // Act
    let caught: unknown;
    try {
      planFleet(request, environment());
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect(caught).toMatchObject({
      name: ERROR_NAMES.invalidRequest,
      issues: [
        {
          path: 'defaults.network.name',
          rule: 'must be one of the deployment\'s networks (default, warehouse), not "lab"',
        },
        {
          path: 'databases[1].network.name',
          rule: 'must be one of the deployment\'s networks (default, warehouse), not "dmz"',
        },
      ],
    });
  });
});

describe('planDatabase with a source inspection', () => {
  const inspection = {
    columnsInspected: 3,
    columns: [
      {
        schema: 'public',
        table: 'invoices',
        column: 'ratio',
        typeName: 'numeric',
        typeType: 'b',
        typeCategory: 'N',
        declaredLength: null,
        maxBytes: 30,
      },
      {
        schema: 'public',
        table: 'invoices',
        column: 'ref',
        typeName: 'oid',
        typeType: 'b',
        typeCategory: 'N',
        declaredLength: null,
        maxBytes: null,
      },
    ],
  };

  it('adds the lossless remedies to the task and records adjustments and warnings in the plan', () => {
    // Act
    const plan = planDatabase(seedRequest(), 'billing', environment(), inspection);

    // Assess
    const rules = JSON.parse(plan.task.TableMappings).rules;
    expect(rules.filter((rule: { 'rule-type': string }) => rule['rule-type'] === 'transformation')).toEqual([
      expect.objectContaining({ 'rule-action': 'add-column', expression: '$AR_H_CHANGE_SEQ' }),
      expect.objectContaining({
        'rule-action': 'change-data-type',
        'data-type': { type: 'string', length: 100 },
      }),
    ]);
    expect(plan.targetEndpoint.S3Settings.ParquetTimestampInMillisecond).toBe(false);
    expect(plan.fidelity?.columnsInspected).toBe(3);
    expect(plan.fidelity?.warnings.map((warning) => warning.kind)).toEqual([
      'unproven-remedy',
      'not-migrated',
    ]);
    expect(databasePlanSchema.parse(plan)).toEqual(plan);
  });

  it('fails before anything is created when the request makes plan warnings fatal', () => {
    // Prepare
    const request = parseMigrationRequest(
      withValue(threeDatabaseRequest(), 'defaults.fidelity', { warningsFatal: true }),
    );

    // Act
    let caught: unknown;
    try {
      planDatabase(request, 'billing', environment(), inspection);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect(caught).toMatchObject({
      issues: [
        {
          path: 'defaults.fidelity.warningsFatal',
          rule: expect.stringMatching(
            /2 column\(s\) cannot be carried losslessly: public\.invoices\.ratio \(unproven-remedy\).*public\.invoices\.ref \(not-migrated\)/,
          ),
        },
      ],
    });
  });
});
