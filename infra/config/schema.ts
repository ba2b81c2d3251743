/**
 * The deployment configuration: one JSON document (infra/config/lakeshift.config.json or the CDK context key
 * `lakeshift`), validated here so that a bad value fails synthesis with the field and the rule, before anything
 * is created.
 */
import { z } from 'zod';
import {
  CATALOG_REFRESH_DEFAULT_MINUTES,
  FUNCTION_NAME_MAX_LENGTH,
  SOURCE_HANDLER_NAMES,
  sourceFunctionName,
} from '#contracts/names';
import { DEFAULT_STACK_NAME } from '#contracts/stack-outputs';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A network that lakeshift creates: private isolated subnets only, no NAT, no internet gateway. */
const createdVpc = z.strictObject({
  mode: z.literal('create'),
  cidr: z
    .string()
    .regex(
      /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
      'must be an IPv4 CIDR such as 10.80.0.0/20',
    )
    .refine((cidr) => isCidrInRange(cidr, 16, 22), 'must be an IPv4 CIDR with a prefix from /16 to /22')
    .default('10.80.0.0/20'),
  /**
   * Named explicitly so that synthesis needs no AWS lookup. DMS subnet groups need two AZs at least.
   * Defaults to `<region>a` and `<region>b` (set them where those zones do not exist for the account).
   */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name'))
    .optional(),
});

const subnetReference = z.strictObject({
  subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id (subnet-…)'),
  routeTableId: z.string().regex(/^rtb-[0-9a-f]{8,17}$/, 'must be a route table id (rtb-…)'),
  availabilityZone: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an AZ name'),
});

/** An existing VPC: lakeshift adds a subnet group, a security group and (optionally) the endpoints. */
const importedVpc = z.strictObject({
  mode: z.literal('import'),
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id (vpc-…)'),
  subnets: z
    .array(subnetReference)
    .min(2, 'must list two private subnets at least')
    .refine(
      (subnets) => new Set(subnets.map((subnet) => subnet.availabilityZone)).size >= 2,
      'must span two availability zones at least (DMS subnet groups require it)',
    ),
  /** `existing` when the route tables already carry an S3 gateway endpoint (a second one would collide). */
  s3Endpoint: z.enum(['create', 'existing']).default('create'),
  /** The same for DynamoDB (the network's copies of the source handlers read the registry from inside it). */
  dynamoDbEndpoint: z.enum(['create', 'existing']).default('create'),
  secretsManagerEndpoint: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('create') }),
      z.strictObject({
        mode: z.literal('existing'),
        /** The existing endpoint's security group: DMS gets egress to it on 443. */
        securityGroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id (sg-…)'),
      }),
    ])
    .default({ mode: 'create' }),
});

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id (sg-…)');
const ipv4Cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, 'must be an IPv4 CIDR')
  .refine((cidr) => isCidrInRange(cidr, 0, 32), 'must be an IPv4 CIDR');

const network = z.strictObject({
  vpc: z.discriminatedUnion('mode', [createdVpc, importedVpc]),
  /** Where the source databases are: DMS gets egress on the PostgreSQL port to these, and nothing else. */
  sources: z
    .strictObject({
      securityGroupIds: z.array(securityGroupId).default([]),
      cidrs: z.array(ipv4Cidr).default([]),
      port: z.number().int().min(1).max(65535).default(5432),
    })
    .refine(
      (sources) => sources.securityGroupIds.length + sources.cidrs.length > 0,
      'must list one source security group id or CIDR at least',
    ),
});

const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be a valid S3 bucket name (3–63 lower-case letters, digits, dots, hyphens)',
  );
const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be a KMS key ARN');
const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN');
const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/,
    'must be a Secrets Manager secret ARN',
  );

const prefixListId = z.string().regex(/^pl-[0-9a-f]{8,17}$/, 'must be a prefix list id (pl-…)');

const lake = z.strictObject({
  bucket: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('create') }),
      z.strictObject({
        mode: z.literal('import'),
        bucketName,
        /** The bucket's SSE-KMS key; DMS writes with it. */
        kmsKeyArn,
      }),
    ])
    .default({ mode: 'create' }),
  /** Folder DMS writes under; requests' target folders must be this folder or below it. */
  folder: z
    .string()
    .regex(
      /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/,
      'must be an S3 key prefix without leading or trailing slash',
    )
    .default('raw'),
  /** Roles (e.g. analytics) that may read the lake besides lakeshift and DMS. */
  readerRoleArns: z.array(roleArn).default([]),
  accessLogsRetentionDays: z.number().int().min(1).default(365),
  /** Keep the bucket and its key when the stack is deleted (the lake outlives the control plane). */
  retainOnDelete: z.boolean().default(true),
  /** How often the catalog of every database in CDC is refreshed from its source's columns (docs/lake.md). */
  catalogRefreshMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1 minute (EventBridge schedules)')
    .max(1440, 'must be at most 1440 minutes (a day)')
    .default(CATALOG_REFRESH_DEFAULT_MINUTES),
});

const sourceSecrets = z
  .strictObject({
    /** Exactly these secrets (the usual choice). */
    arns: z.array(secretArn).optional(),
    /** Or every secret whose name starts with this prefix. */
    namePrefix: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,256}$/, 'must be a Secrets Manager name prefix')
      .optional(),
    /** Customer-managed keys that encrypt those secrets (not needed for the AWS-managed key). */
    kmsKeyArns: z.array(kmsKeyArn).default([]),
  })
  .refine(
    (secrets) => (secrets.arns !== undefined) !== (secrets.namePrefix !== undefined),
    'must set exactly one of arns and namePrefix',
  )
  .refine((secrets) => secrets.arns === undefined || secrets.arns.length > 0, 'arns must not be empty');

export const lakeshiftConfigSchema = z
  .strictObject({
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1'),
    /** Also prefixes state machine and subnet group names, so it stays short. */
    stackName: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9-]{0,39}$/,
        'must start with a letter and hold at most 40 letters, digits, hyphens',
      )
      .default(DEFAULT_STACK_NAME),
    networks: z.record(z.string(), network).superRefine((networks, context) => {
      // Names end up in resource names and in requests, so they follow DMS identifier rules.
      for (const name of Object.keys(networks)) {
        if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) {
          context.addIssue({
            code: 'custom',
            path: [name],
            message: 'network names are 1–31 lower-case letters, digits, hyphens, starting with a letter',
          });
        }
      }
      if (!Object.hasOwn(networks, 'default')) {
        context.addIssue({ code: 'custom', message: 'must define a network named "default"' });
      }
    }),
    lake: lake.default({
      bucket: { mode: 'create' },
      folder: 'raw',
      readerRoleArns: [],
      accessLogsRetentionDays: 365,
      retainOnDelete: true,
      catalogRefreshMinutes: CATALOG_REFRESH_DEFAULT_MINUTES,
    }),
    sourceSecrets,
    /** The account singletons DMS needs; create them only where they do not exist yet. */
    accountRoles: z
      .strictObject({
        dmsVpcRole: z.boolean().default(false),
        dmsCloudWatchLogsRole: z.boolean().default(false),
      })
      .default({ dmsVpcRole: false, dmsCloudWatchLogsRole: false }),
    alarmEmail: z.email('must be an e-mail address').optional(),
    logRetentionDays: z
      .number()
      .refine(
        (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
        `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      )
      .default(30),
    /** The region's S3 managed prefix list id (pl-…). Looked up at deploy time when absent. */
    s3PrefixListId: prefixListId.optional(),
    /** The region's DynamoDB managed prefix list id (pl-…). Looked up at deploy time when absent. */
    dynamoDbPrefixListId: prefixListId.optional(),
  })
  .superRefine((config, context) => {
    // Zones must belong to the configured region; a typo here fails at deploy time otherwise.
    for (const [name, { vpc }] of Object.entries(config.networks)) {
      // Each network runs a copy of the source handlers, named by stack, handler and network
      // (docs/source-safety.md, "Networks").
      const longest = SOURCE_HANDLER_NAMES.map((handler) =>
        sourceFunctionName(config.stackName, handler, name),
      ).sort((left, right) => right.length - left.length)[0];
      if (longest !== undefined && longest.length > FUNCTION_NAME_MAX_LENGTH) {
        context.addIssue({
          code: 'custom',
          path: ['networks', name],
          message: `network name too long for stack "${config.stackName}": the function ${longest} has ${longest.length} characters, Lambda allows ${FUNCTION_NAME_MAX_LENGTH}`,
        });
      }
      const zones =
        vpc.mode === 'create'
          ? (vpc.availabilityZones ?? [])
          : vpc.subnets.map((subnet) => subnet.availabilityZone);
      zones.forEach((zone, index) => {
        if (!zone.startsWith(config.region)) {
          const path =
            vpc.mode === 'create'
              ? ['networks', name, 'vpc', 'availabilityZones', index]
              : ['networks', name, 'vpc', 'subnets', index, 'availabilityZone'];
          context.addIssue({ code: 'custom', path, message: `must be a zone of ${config.region}` });
        }
      });
      if (vpc.mode === 'create' && vpc.availabilityZones && new Set(vpc.availabilityZones).size < 2) {
        context.addIssue({
          code: 'custom',
          path: ['networks', name, 'vpc', 'availabilityZones'],
          message: 'must name two distinct zones at least (DMS subnet groups require it)',
        });
      }
    }
  });

export type LakeshiftConfig = z.output<typeof lakeshiftConfigSchema>;
export type NetworkConfig = LakeshiftConfig['networks'][string];
export type LakeConfig = LakeshiftConfig['lake'];
export type SourceSecretsConfig = LakeshiftConfig['sourceSecrets'];

function isCidrInRange(cidr: string, minPrefix: number, maxPrefix: number): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return false;
  const [, ...parts] = match;
  const numbers = parts.map(Number);
  const prefix = numbers[4] ?? -1;
  return numbers.slice(0, 4).every((octet) => octet <= 255) && prefix >= minPrefix && prefix <= maxPrefix;
}
