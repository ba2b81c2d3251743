import * as z from 'zod';
import { CA_BUNDLE_NAMES } from '#contracts/names';
import { TAG_KEYS } from '#contracts/tags';
import { LOSSY_MAPPINGS } from '#domain/fidelity/type-mapping';
import { DEFAULT_FULL_LOAD_CLASS } from '#domain/instance-classes';
import {
  instanceClassSchema,
  resizeDefaultsLayerSchema,
  resizeSettingsLayerSchema,
} from './resize-settings.ts';
import {
  accountId,
  bucketName,
  databaseName,
  engineVersion,
  kmsKeyArn,
  lakeshiftId,
  postgresIdentifier,
  replicationSubnetGroupId,
  s3Folder,
  secretArn,
  securityGroupIds,
  slotName,
  tablePattern,
  uniqueStrings,
} from './rules.ts';
import { s3SettingsOverridesSchema } from './s3-settings.ts';
import { databaseSslModeSchema, pluginNameSchema, sslModeSchema } from './source-settings.ts';
import { taskSettingsOverridesSchema } from './task-settings.ts';

/** The migration request (docs/design.md §5). Every object is strict so typos are caught. */

/**
 * The CA certificate `verify-ca`/`verify-full` check the source's certificate against: DMS verifies against the
 * certificate assigned to the endpoint (`CertificateArn`), so lakeshift imports it (docs/source-safety.md).
 */
export const caCertificateSchema = z.union(
  [
    z.strictObject({
      secretArn: secretArn.describe(
        'A Secrets Manager secret whose SecretString is the PEM CA certificate (or chain).',
      ),
    }),
    z.strictObject({
      certificateArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:cert:[A-Za-z0-9-]+$/, 'must be a DMS certificate ARN')
        .describe('A certificate already imported into DMS; used as is and never deleted by lakeshift.'),
    }),
    z.strictObject({
      bundle: z
        .enum(CA_BUNDLE_NAMES)
        .describe(
          "A CA bundle lakeshift ships, by name. 'rds-global': the Amazon RDS root CAs of every commercial region (for RDS and Aurora sources); lakeshift imports the certificates still valid.",
        ),
    }),
  ],
  {
    error: `must be one of {"secretArn": "<Secrets Manager secret ARN>"}, {"certificateArn": "<DMS certificate ARN>"} or {"bundle": ${CA_BUNDLE_NAMES.map((name) => `"${name}"`).join(' | ')}}`,
  },
);

/** `slotName` is refused: see the rule text. */
const SLOT_NAME_REFUSED =
  'is not supported: DMS reads a named slot only if it was created beforehand and the task starts from a CdcStartPosition, which a full-load-and-cdc migration does not have; lakeshift lets DMS create the slot and records its name';

export const lobTruncationSchema = z
  .enum(['fail', 'truncate'])
  .describe("'fail' stops the task when a LOB exceeds LobMaxSize instead of silently truncating it.");

export const networkSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -')
      .optional()
      .describe(
        'A named network of the deployment (LAKESHIFT_NETWORKS); explicit ids below override its parts.',
      ),
    replicationSubnetGroupId: replicationSubnetGroupId.optional(),
    vpcSecurityGroupIds: securityGroupIds.optional(),
  })
  .refine(
    (network) => Object.keys(network).length > 0,
    'must name a network or give a subnet group or security groups',
  );

export type NetworkSelection = z.output<typeof networkSchema>;

export const tableSelectionSchema = z.strictObject({
  include: uniqueStrings(tablePattern, 'pattern').min(1, 'must list at least one pattern').optional(),
  exclude: uniqueStrings(tablePattern, 'pattern').optional(),
});

const heartbeatShape = {
  enabled: z.boolean(),
  frequencyMinutes: z
    .number()
    .int('must be a whole number of minutes')
    .min(1, 'must be >= 1')
    .max(1440, 'must be <= 1440'),
  schema: postgresIdentifier,
};

const lossyMapping = z.enum(LOSSY_MAPPINGS);

/**
 * Lossless by default (docs/column-fidelity.md): the request opts into DMS's lossy mappings explicitly, per type or
 * per column, and may make plan warnings fatal.
 */
export const fidelitySchema = z.strictObject({
  lossyTypes: uniqueStrings(lossyMapping, 'mapping')
    .default([])
    .describe(
      "DMS's lossy mappings accepted for every column of the type: 'unbounded-numeric' (NUMERIC(28,6), rounded), 'timestamp-milliseconds' (ParquetTimestampInMillisecond), 'time-milliseconds' (TIME32), 'lob-truncation' (values longer than LobMaxSize).",
    ),
  lossyColumns: z
    .record(
      z.string().regex(/^[^.]+\.[^.]+\.[^.]+$/, "must be 'schema.table.column'"),
      lossyMapping.exclude(['timestamp-milliseconds'], {
        message:
          "must be 'unbounded-numeric', 'time-milliseconds' or 'lob-truncation' (timestamp precision is one setting per database: use lossyTypes)",
      }),
    )
    .default({})
    .describe('The lossy mapping accepted for one column alone, by schema.table.column.'),
  warningsFatal: z
    .boolean()
    .default(false)
    .describe('Fail before anything is created when a column cannot be carried losslessly.'),
});

/** Settings that `defaults` sets for every database and `overrides` may change for one. */
const overridableShape = {
  fullLoadClass: instanceClassSchema.describe('Instance class while the full load runs.'),
  allocatedStorageGb: z
    .number()
    .int('must be a whole number of GB')
    .min(5, 'must be >= 5 GB')
    .max(6144, 'must be <= 6144 GB'),
  multiAz: z.boolean(),
  engineVersion,
  lobTruncation: lobTruncationSchema,
  pluginName: pluginNameSchema,
};

const RESERVED_TAG_PREFIXES = ['aws:', 'lakeshift:'];

export const userTagsSchema = z
  .record(
    z
      .string()
      .min(1, 'must not be empty')
      .max(128, 'must be at most 128 characters')
      .refine(
        (key) => !RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix)),
        `must not start with 'aws:' or 'lakeshift:' (reserved; lakeshift sets ${Object.values(TAG_KEYS).join(', ')})`,
      ),
    z.string().max(256, 'must be at most 256 characters'),
  )
  .refine((tags) => Object.keys(tags).length <= 40, 'must have at most 40 tags (DMS allows 50 per resource)');

export const targetSchema = z.strictObject({
  bucket: bucketName.describe('The lake bucket, in the same region as the replication instances.'),
  folder: s3Folder
    .optional()
    .describe(
      "Key prefix of the migration; each database writes under <folder>/<database id>/. Default: <the deployment's lake folder>/<migration id> (the migration id when the deployment sets no lake folder).",
    ),
  kmsKeyArn: kmsKeyArn.describe('Key for SSE-KMS on every object DMS writes.'),
  bucketOwner: accountId
    .optional()
    .describe('Account that must own the bucket (ExpectedBucketOwner). Default: the deployment setting.'),
  s3Settings: s3SettingsOverridesSchema
    .prefault({})
    .describe('Overrides of the S3 target settings for every database.'),
});

export const defaultsSchema = z.strictObject({
  fullLoadClass: overridableShape.fullLoadClass.default(DEFAULT_FULL_LOAD_CLASS),
  allocatedStorageGb: overridableShape.allocatedStorageGb.default(100),
  multiAz: overridableShape.multiAz.default(false),
  engineVersion: overridableShape.engineVersion.optional(),
  sslMode: sslModeSchema.default('require'),
  caCertificate: caCertificateSchema
    .optional()
    .describe('CA certificate for verify-ca/verify-full, for every database that gives none.'),
  lobTruncation: overridableShape.lobTruncation.default('fail'),
  pluginName: overridableShape.pluginName.default('test-decoding'),
  heartbeat: z
    .strictObject({
      enabled: heartbeatShape.enabled.default(true),
      frequencyMinutes: heartbeatShape.frequencyMinutes.default(5),
      schema: heartbeatShape.schema.optional(),
    })
    .prefault({}),
  tables: z
    .strictObject({
      include: tableSelectionSchema.shape.include.unwrap().default(['%.%']),
      exclude: tableSelectionSchema.shape.exclude.unwrap().default([]),
    })
    .prefault({}),
  taskSettings: taskSettingsOverridesSchema.prefault({}),
  resize: resizeDefaultsLayerSchema.prefault({}),
  network: networkSchema.optional(),
  fidelity: fidelitySchema.prefault({}),
});

export const databaseOverridesSchema = z.strictObject({
  ...z.strictObject(overridableShape).partial().shape,
  heartbeat: z.strictObject(heartbeatShape).partial().optional(),
  taskSettings: taskSettingsOverridesSchema.optional(),
  s3Settings: s3SettingsOverridesSchema.optional(),
  resize: resizeSettingsLayerSchema.optional(),
  fidelity: fidelitySchema.partial().optional(),
});

export const databaseSchema = z.strictObject({
  id: lakeshiftId.describe(
    'Unique within the migration; part of every DMS identifier and of the lake folder.',
  ),
  secretArn: secretArn.describe(
    'Secret with the connection details (host, port, username, password); never a password here.',
  ),
  databaseName,
  sslMode: databaseSslModeSchema.optional(),
  acknowledgePlainText: z
    .literal(true)
    .optional()
    .describe(
      "Required with sslMode 'none': the source's credentials and data cross the network unencrypted.",
    ),
  caCertificate: caCertificateSchema
    .optional()
    .describe('Replaces defaults.caCertificate for this database.'),
  tables: tableSelectionSchema.optional().describe('Replaces the default include and/or exclude patterns.'),
  slotName: slotName
    .refine(() => false, SLOT_NAME_REFUSED)
    .optional()
    .describe(`Refused: ${SLOT_NAME_REFUSED}.`),
  network: networkSchema.optional().describe('Replaces defaults.network for this database.'),
  overrides: databaseOverridesSchema.optional(),
});

export const migrationRequestSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors. Ignored.'),
    migrationId: lakeshiftId.describe('Names the migration; part of every DMS identifier.'),
    target: targetSchema,
    defaults: defaultsSchema.prefault({}),
    databases: z.array(databaseSchema).min(1, 'must list at least one database'),
    maxConcurrency: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(40, 'must be at most 40 (Step Functions Map concurrency is bounded by the DMS API budget)')
      .default(10)
      .describe('Databases migrated at once by migrate-fleet.'),
    tags: userTagsSchema.optional().describe('Extra tags on every DMS resource (cost allocation).'),
  })
  .meta({ title: 'lakeshift migration request' });

export type MigrationRequestDefaults = z.output<typeof defaultsSchema>;
export type DatabaseRequest = z.output<typeof databaseSchema>;
export type DatabaseOverrides = z.output<typeof databaseOverridesSchema>;
export type MigrationTarget = z.output<typeof targetSchema>;

/** A parsed request, defaults applied; `target.folder` is resolved by the planner (it depends on the deployment). */
export type MigrationRequest = z.output<typeof migrationRequestSchema>;
