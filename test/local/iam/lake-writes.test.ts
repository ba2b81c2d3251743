import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError } from '#local/aws/iam/authority';
import { readStackModel, type StackModel } from '#local/aws/iam/stack-model';
import { synthesizedTemplate } from '#local/aws/iam/synthesized-template';
import { lakeWriteAuthorizer } from '#local/aws/index';
import { LOCAL_LAKE_BUCKET } from '#local/aws/shared/account';
import { authorityFor } from './template-authority.ts';

let model: StackModel;

beforeAll(async () => {
  model = readStackModel(await synthesizedTemplate());
}, 120_000);

const s3AccessRoleOf = (stack: StackModel): string => {
  const role = stack.functionEnvironments.get('ensure-endpoints')?.['DMS_S3_ACCESS_ROLE_ARN'];
  if (!role) throw new Error('the template names no DMS S3 access role');
  return role;
};

describe('DMS writing the lake as the S3 access role, under the synthesized template', () => {
  it("allows a write into the lake's folder and records it as the role's", () => {
    // Prepare
    const authority = authorityFor(model);
    const role = s3AccessRoleOf(model);

    // Act
    lakeWriteAuthorizer(authority)({
      roleArn: role,
      bucket: LOCAL_LAKE_BUCKET,
      key: 'raw/m/orders/public/items/LOAD00000001.parquet',
    });

    // Assess
    expect(authority.record.all().map((entry) => [entry.roleArn, entry.action, entry.decision])).toEqual([
      [role, 's3:PutObject', 'allow'],
    ]);
  });

  it('refuses a write outside the folder, or to another bucket, as S3 words it', () => {
    // Prepare
    const authority = authorityFor(model);
    const write = lakeWriteAuthorizer(authority);
    const roleArn = s3AccessRoleOf(model);

    // Act
    const outside = () => write({ roleArn, bucket: LOCAL_LAKE_BUCKET, key: 'elsewhere/file.parquet' });
    const otherBucket = () => write({ roleArn, bucket: 'another-bucket', key: 'raw/file.parquet' });

    // Assess
    expect(outside).toThrow(AccessDeniedError);
    expect(outside).toThrow(
      `not authorized to perform: s3:PutObject on resource: arn:aws:s3:::${LOCAL_LAKE_BUCKET}/elsewhere/file.parquet`,
    );
    expect(otherBucket).toThrow(/s3:PutObject on resource: arn:aws:s3:::another-bucket\/raw\/file\.parquet/);
  });

  it('lets every write through when IAM is not enforced', () => {
    // Act
    const act = () =>
      lakeWriteAuthorizer(undefined)({ roleArn: 'arn:aws:iam::000000000000:role/x', bucket: 'b', key: 'k' });

    // Assess
    expect(act).not.toThrow();
  });
});
