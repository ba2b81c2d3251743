/**
 * Local Secrets Manager (`secretsmanager`, JSON 1.1): the operations lakeshift and its demo use to hold source
 * credentials. ARNs carry the real random 6-character suffix, so code that builds ARNs from names breaks here as it
 * would on AWS. Versions keep the AWSCURRENT/AWSPREVIOUS staging labels.
 */
import { randomUUID } from 'node:crypto';
import { localArn } from '#local/aws/shared/account';
import { type JsonStore, memoryStore } from '#local/aws/shared/json-store';
import { epochSeconds, optionalList, optionalString, requiredString } from '#local/aws/shared/validation';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';

interface SecretVersion {
  readonly versionId: string;
  readonly secretString?: string;
  readonly secretBinary?: string;
  stages: string[];
  readonly createdAt: number;
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  description?: string;
  kmsKeyId?: string;
  tags: { Key: string; Value: string }[];
  versions: SecretVersion[];
  readonly createdAt: number;
  lastChangedAt: number;
  deletedAt?: number;
}

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomSuffix = (): string =>
  Array.from({ length: 6 }, () => SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)]).join(
    '',
  );

/** Secret names: 1-512 characters of letters, digits and /_+=.@- (AWS's rule). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

export interface SecretsManagerOptions {
  readonly clock: Clock;
  /** Where secrets persist between runs; in memory when absent. */
  readonly store?: JsonStore<Secret[]>;
}

export class LocalSecretsManager implements AwsJsonService {
  readonly name = 'secretsmanager';
  readonly targetPrefix = 'secretsmanager';
  readonly protocol = 'json1.1' as const;
  private readonly secrets = new Map<string, Secret>();
  private readonly clock: Clock;
  private readonly store: JsonStore<Secret[]>;

  constructor(options: SecretsManagerOptions) {
    this.clock = options.clock;
    this.store = options.store ?? memoryStore();
    for (const secret of this.store.load() ?? []) this.secrets.set(secret.name, secret);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateSecret':
        return this.createSecret(input);
      case 'GetSecretValue':
        return this.getSecretValue(input);
      case 'PutSecretValue':
        return this.putSecretValue(input);
      case 'DescribeSecret':
        return this.describe(this.find(requiredString(input, 'SecretId')));
      case 'ListSecrets':
        return {
          SecretList: [...this.secrets.values()].filter((s) => !s.deletedAt).map((s) => this.describe(s)),
        };
      case 'DeleteSecret':
        return this.deleteSecret(input);
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `Secrets Manager operation ${operation} is not supported locally`,
        );
    }
  }

  /** Stores a secret without going through HTTP (the demo seeds source credentials this way). */
  createSecretDirect(name: string, secretString: string): string {
    return (this.createSecret({ Name: name, SecretString: secretString }) as { ARN: string }).ARN;
  }

  /** Resolves a secret id (name, full ARN or partial ARN) to its current string; the DMS data plane uses it. */
  resolveSecretString(secretId: string): string {
    const current = this.version(this.find(secretId), undefined, 'AWSCURRENT');
    if (current.secretString === undefined) {
      throw new AwsServiceError('ResourceNotFoundException', `Secret ${secretId} has no SecretString`);
    }
    return current.secretString;
  }

  private createSecret(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'Name');
    if (!SECRET_NAME.test(name)) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `Invalid name ${name}: use 1-512 letters, digits and the characters /_+=.@-`,
      );
    }
    const existing = this.secrets.get(name);
    if (existing && !existing.deletedAt) {
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const now = this.clock.now();
    const tags = (optionalList(input, 'Tags') ?? []) as { Key: string; Value: string }[];
    const secret: Secret = {
      arn: localArn('secretsmanager', `secret:${name}-${randomSuffix()}`),
      name,
      description: optionalString(input, 'Description'),
      kmsKeyId: optionalString(input, 'KmsKeyId'),
      tags,
      versions: [],
      createdAt: now,
      lastChangedAt: now,
    };
    const version = this.addVersion(secret, input);
    this.secrets.set(name, secret);
    this.save();
    return { ARN: secret.arn, Name: secret.name, VersionId: version?.versionId };
  }

  private putSecretValue(input: Record<string, unknown>): unknown {
    const secret = this.find(requiredString(input, 'SecretId'));
    const version = this.addVersion(secret, input);
    if (!version) {
      throw new AwsServiceError(
        'InvalidRequestException',
        'You must provide either SecretString or SecretBinary.',
      );
    }
    this.save();
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: version.stages,
    };
  }

  private getSecretValue(input: Record<string, unknown>): unknown {
    const secret = this.find(requiredString(input, 'SecretId'));
    const version = this.version(
      secret,
      optionalString(input, 'VersionId'),
      optionalString(input, 'VersionStage'),
    );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.secretString,
      SecretBinary: version.secretBinary,
      VersionStages: version.stages,
      CreatedDate: epochSeconds(version.createdAt),
    };
  }

  private deleteSecret(input: Record<string, unknown>): unknown {
    const secret = this.find(requiredString(input, 'SecretId'));
    secret.deletedAt = this.clock.now();
    if (input.ForceDeleteWithoutRecovery === true) this.secrets.delete(secret.name);
    this.save();
    return { ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletedAt) };
  }

  private addVersion(secret: Secret, input: Record<string, unknown>): SecretVersion | undefined {
    const secretString = optionalString(input, 'SecretString');
    const secretBinary = optionalString(input, 'SecretBinary');
    if (secretString === undefined && secretBinary === undefined) return undefined;
    for (const old of secret.versions) {
      old.stages = old.stages.includes('AWSCURRENT')
        ? ['AWSPREVIOUS']
        : old.stages.filter((s) => s !== 'AWSPREVIOUS');
    }
    const version: SecretVersion = {
      versionId: optionalString(input, 'ClientRequestToken') ?? randomUUID(),
      secretString,
      secretBinary,
      stages: ['AWSCURRENT'],
      createdAt: this.clock.now(),
    };
    secret.versions = [...secret.versions.filter((v) => v.stages.length > 0), version];
    secret.lastChangedAt = version.createdAt;
    return version;
  }

  private version(secret: Secret, versionId?: string, stage?: string): SecretVersion {
    const wanted = versionId
      ? secret.versions.find((v) => v.versionId === versionId)
      : secret.versions.find((v) => v.stages.includes(stage ?? 'AWSCURRENT'));
    if (!wanted) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${versionId ? `VersionId: ${versionId}` : `staging label: ${stage ?? 'AWSCURRENT'}`}`,
      );
    }
    return wanted;
  }

  /** The ARN of a secret named by name or ARN; undefined when there is none (IAM then judges the name as given). */
  arnOf(secretId: string): string | undefined {
    try {
      return this.find(secretId).arn;
    } catch {
      return undefined;
    }
  }

  /** A secret by name, full ARN, or partial ARN (the ARN without its random suffix). */
  private find(secretId: string): Secret {
    for (const secret of this.secrets.values()) {
      if (secret.deletedAt) continue;
      if (secret.name === secretId || secret.arn === secretId || secret.arn.slice(0, -7) === secretId)
        return secret;
    }
    throw new AwsServiceError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }

  private describe(secret: Secret): unknown {
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      KmsKeyId: secret.kmsKeyId,
      Tags: secret.tags,
      CreatedDate: epochSeconds(secret.createdAt),
      LastChangedDate: epochSeconds(secret.lastChangedAt),
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.versionId, v.stages])),
    };
  }

  private save(): void {
    this.store.save([...this.secrets.values()]);
  }
}
