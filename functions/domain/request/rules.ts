import * as z from 'zod';
import { dmsIdentifierProblem } from '#domain/naming';

/** Field rules shared by the request schema and the planner environment. Each message names the rule broken. */

/** Ids that go into DMS identifiers, tags and the lake folder. Lower-case, so two ids never collide once DMS lower-cases them. */
export const lakeshiftId = z
  .string()
  .meta({ pattern: '^[a-z](?!.*--)([a-z0-9-]{0,61}[a-z0-9])?$', maxLength: 63 })
  .superRefine((value, context) => {
    const problem = dmsIdentifierProblem(value);
    if (problem !== undefined) {
      context.addIssue({ code: 'custom', message: `${problem} (DMS identifier rules)` });
    } else if (value !== value.toLowerCase()) {
      context.addIssue({ code: 'custom', message: 'must be lower-case (DMS stores identifiers lower-case)' });
    }
  });

/** The rule an S3 bucket name breaks (general purpose bucket naming rules), or undefined. */
export const bucketNameProblem = (name: string): string | undefined => {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'must contain only lower-case letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name))
    return "must not start with 'xn--', 'sthree-' or 'amzn-s3-demo-'";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    return "must not end with '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3'";
  }
  return undefined;
};

const fromProblem = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, context) => {
    const message = problem(value);
    if (message !== undefined) context.addIssue({ code: 'custom', message });
  });

export const bucketName = fromProblem(bucketNameProblem).meta({
  pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
});

const PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b)';
const REGION = '[a-z]{2}(-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';

export const kmsKeyArn = z
  .string()
  .regex(
    new RegExp(
      `^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`,
    ),
    'must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<key id> (aliases are not accepted)',
  );

export const secretArn = z
  .string()
  .regex(
    new RegExp(
      `^arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`,
    ),
    'must be a complete Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>',
  );

export const iamRoleArn = z
  .string()
  .regex(
    new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`),
    'must be an IAM role ARN: arn:aws:iam::<account>:role/<name>',
  );

export const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

export const securityGroupId = z
  .string()
  .regex(
    /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/,
    'must be a security group id: sg- followed by 8 or 17 hex digits',
  );

export const securityGroupIds = z
  .array(securityGroupId)
  .min(1, 'must list at least one security group')
  .max(5, 'must list at most 5 security groups')
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a security group');

export const replicationSubnetGroupId = z
  .string()
  .regex(
    /^[A-Za-z0-9._ -]{1,255}$/,
    'must be a replication subnet group identifier: 1 to 255 letters, digits, periods, underscores, spaces or hyphens',
  )
  .refine((value) => value.toLowerCase() !== 'default', "must not be 'default' (reserved by DMS)");

/** PostgreSQL replication slot names: lower-case letters, digits and underscores, at most 63 characters. */
export const slotName = z
  .string()
  .regex(
    /^[a-z0-9_]{1,63}$/,
    'must be 1 to 63 lower-case letters, digits or underscores (PostgreSQL slot name rules)',
  );

/** PostgreSQL identifiers as lakeshift writes them unquoted: a letter or underscore, then letters, digits, _ or $. */
export const postgresIdentifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/,
    'must be a PostgreSQL identifier: a letter or underscore, then up to 62 letters, digits, _ or $',
  );

/** Database names are passed to DMS as-is; refuse only what cannot be a database name. */
export const databaseName = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'must be at most 63 characters (PostgreSQL NAMEDATALEN)')
  .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

/** An S3 key prefix: segments of safe characters joined by single slashes, no leading or trailing slash. */
export const s3Folder = z
  .string()
  .max(512, 'must be at most 512 characters')
  .regex(
    /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
    "must be S3 key segments of letters, digits and !_.*'()- joined by single slashes, without a leading or trailing slash",
  )
  .refine(
    (value) => value.split('/').every((segment) => segment !== '.' && segment !== '..'),
    "must not contain '.' or '..' segments",
  );

export const engineVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, 'must be a DMS engine version such as 3.5.3');

/** `schema.table`, each part letters, digits, _, $ or - with `%` as the wildcard. */
export const tablePattern = z
  .string()
  .regex(
    /^[A-Za-z0-9_$%-]{1,63}\.[A-Za-z0-9_$%-]{1,63}$/,
    "must be 'schema.table' (letters, digits, _, $, -; '%' matches anything), e.g. 'public.%'",
  );

export const uniqueStrings = <T extends z.ZodType<string>>(item: T, what: string) =>
  z.array(item).refine((values) => new Set(values).size === values.length, `must not repeat a ${what}`);
