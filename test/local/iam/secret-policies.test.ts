import { describe, expect, it } from 'vitest';
import { AccessDeniedError, IamAuthority } from '#local/aws/iam/authority';
import { readStackModel } from '#local/aws/iam/stack-model';

const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lakeshift/orders-AbCdEf';
const READER = 'arn:aws:iam::000000000000:role/reader';

/** A template holding only a secret's resource policy with one statement. */
const templateWith = (effect: 'Allow' | 'Deny') => ({
  Resources: {
    OrdersSecretPolicy: {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: SECRET,
        ResourcePolicy: {
          Statement: [
            {
              Effect: effect,
              Principal: { AWS: READER },
              Action: 'secretsmanager:GetSecretValue',
              Resource: '*',
            },
          ],
        },
      },
    },
  },
});

const readAs = (effect: 'Allow' | 'Deny') => {
  const authority = new IamAuthority({
    model: readStackModel(templateWith(effect)),
    operatorAccessKeyId: 'local',
    lookups: { dmsTags: () => [], secretArn: (id) => id, tokenExecution: () => undefined },
  });
  return () =>
    authority.authorizeAs(authority.roleSession(READER, 'dms'), 'secretsmanager', 'GetSecretValue', {
      SecretId: SECRET,
    });
};

describe("a secret's resource policy in the template", () => {
  it('allows a role it names to read the secret, with no identity policy', () => {
    // Act + Assess
    expect(readAs('Allow')).not.toThrow();
  });

  it('refuses the role it denies, naming the resource-based policy', () => {
    // Act + Assess
    expect(readAs('Deny')).toThrow(AccessDeniedError);
    expect(readAs('Deny')).toThrow(/with an explicit deny in a resource-based policy/);
  });
});
