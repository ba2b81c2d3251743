import { beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, IamAuthority } from '#local/aws/iam/authority';
import { readStackModel, type StackModel } from '#local/aws/iam/stack-model';
import { synthesizedTemplate } from '#local/aws/iam/synthesized-template';

const MANAGED_TAGS = [
  { Key: 'lakeshift:managed', Value: 'true' },
  { Key: 'lakeshift:migration', Value: 'm' },
  { Key: 'lakeshift:database', Value: 'orders' },
];
const IMPORT_INPUT = {
  CertificateIdentifier: 'lakeshift-ca-0123456789abcdef',
  CertificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

let model: StackModel;

beforeAll(async () => {
  model = readStackModel(await synthesizedTemplate());
}, 120_000);

const ensureEndpointsSession = () => {
  const authority = new IamAuthority({
    model,
    operatorAccessKeyId: 'local',
    lookups: { dmsTags: () => [], secretArn: () => undefined, tokenExecution: () => undefined },
  });
  const session = authority.functionSession('lakeshift-ensure-endpoints');
  if (!session) throw new Error('no role for ensure-endpoints');
  return { authority, session };
};

describe('ImportCertificate under the synthesized template', () => {
  it('is judged on the certificate its identifier names, and allowed for ensure-endpoints with lakeshift’s tags', () => {
    // Prepare
    const { authority, session } = ensureEndpointsSession();

    // Act
    authority.authorizeAs(session, 'dms', 'ImportCertificate', { ...IMPORT_INPUT, Tags: MANAGED_TAGS });

    // Assess
    expect(authority.record.all().map((entry) => [entry.resource, entry.decision])).toEqual([
      ['arn:aws:dms:us-east-1:000000000000:cert:lakeshift-ca-0123456789abcdef', 'allow'],
    ]);
  });

  it('is denied for ensure-endpoints without the lakeshift:managed tag', () => {
    // Prepare
    const { authority, session } = ensureEndpointsSession();

    // Act
    const attempt = () => authority.authorizeAs(session, 'dms', 'ImportCertificate', IMPORT_INPUT);

    // Assess
    expect(attempt).toThrow(AccessDeniedError);
    expect(authority.record.denied().map((entry) => entry.resource)).toEqual([
      'arn:aws:dms:us-east-1:000000000000:cert:lakeshift-ca-0123456789abcdef',
    ]);
  });
});
