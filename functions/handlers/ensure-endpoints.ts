/**
 * Creates the PostgreSQL source endpoint (credentials from the secret, never a password) and the S3 Parquet target
 * endpoint, or adopts ours from a previous run; a foreign endpoint with our identifier is an error. Records both
 * ARNs in the registry. A verify-ca/verify-full source first gets its CA certificate: imported into DMS under an
 * identifier derived from its content (a PEM from a secret, or a bundle lakeshift ships, such as the RDS CAs; or
 * the DMS certificate the request names), set as the endpoint's
 * CertificateArn, and kept in the registry for the handlers that connect to the source (docs/source-safety.md).
 */
import * as z from 'zod';
import { findCertificateByArn, importCaCertificate } from '#adapters/dms-certificates';
import { ensureEndpoint } from '#adapters/dms-ensure';
import { createRegistry } from '#adapters/registry';
import { caPemOf } from '#adapters/source-ca';
import { ENV } from '#contracts/env';
import { AwsFaultError, ResourceNotFoundError } from '#contracts/errors';
import type { SourceCertificate } from '#contracts/registry-item';
import { sourceEndpointPlanSchema, targetEndpointPlanSchema } from '#domain/planner/endpoint-plans';
import { caCertificateSourceSchema } from '#domain/planner/plan';
import { refuseDuringTeardown } from '#domain/teardown-fence';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const EnsureEndpointsInput = z.object({
  ...databaseKey,
  plan: z.object({
    sourceEndpoint: sourceEndpointPlanSchema,
    targetEndpoint: targetEndpointPlanSchema,
    source: z.object({ caCertificate: caCertificateSourceSchema.optional() }).optional(),
    tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  }),
  now,
});

/** The CA certificate the source endpoint verifies against, imported or named, or undefined when it needs none. */
const sourceCertificate = async (
  plan: z.output<typeof EnsureEndpointsInput>['plan'],
  now: Date,
): Promise<SourceCertificate | undefined> => {
  const ca = plan.source?.caCertificate;
  if (ca === undefined) return undefined;
  if ('certificateArn' in ca) {
    const found = await findCertificateByArn(ca.certificateArn);
    if (!found?.CertificatePem)
      throw new ResourceNotFoundError(`DMS certificate ${ca.certificateArn} does not exist`);
    return { arn: ca.certificateArn, imported: false, pem: found.CertificatePem };
  }
  const pem = await caPemOf(ca, now);
  const { arn } = await importCaCertificate(pem, plan.tags ?? []);
  return { arn, imported: true, pem };
};

const arnOf = (endpoint: { EndpointArn?: string | undefined }, side: string): string => {
  if (!endpoint.EndpointArn) throw new AwsFaultError(`the ${side} endpoint has no ARN`);
  return endpoint.EndpointArn;
};

export const ensureEndpoints = async (event: unknown) => {
  const input = parseInput(EnsureEndpointsInput, event);
  const item = await registry.require(input);
  refuseDuringTeardown(item, 'creating the endpoints');
  const certificate = await sourceCertificate(input.plan, new Date(input.now));
  const source = await ensureEndpoint({
    ...input.plan.sourceEndpoint,
    ...(certificate ? { CertificateArn: certificate.arn } : {}),
  });
  const target = await ensureEndpoint(input.plan.targetEndpoint);
  const sourceEndpointArn = arnOf(source.resource, 'source');
  const targetEndpointArn = arnOf(target.resource, 'target');
  await registry.update(
    input,
    { sourceEndpointArn, targetEndpointArn, ...(certificate ? { sourceCertificate: certificate } : {}) },
    { now: input.now, expectedVersion: item.version },
  );
  return {
    sourceEndpointArn,
    targetEndpointArn,
    created: { source: source.created, target: target.created },
  };
};

export const handler = lambdaHandler(ensureEndpoints);
