/**
 * Deletes the CA certificate lakeshift imported for the database's source endpoint, once its endpoints are gone. A
 * certificate another endpoint still uses (another database with the same CA) is kept; the last teardown deletes
 * it. A certificate the request named is never lakeshift's to delete.
 */
import * as z from 'zod';
import { deleteCertificateIfUnused } from '#adapters/dms-certificates';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const DeleteCertificateInput = z.object({ ...databaseKey, now });

export const deleteCertificate = async (event: unknown) => {
  const input = parseInput(DeleteCertificateInput, event);
  const certificate = (await registry.require(input)).sourceCertificate;
  if (certificate === undefined) return { certificateArn: null, outcome: 'none' };
  if (!certificate.imported)
    return { certificateArn: certificate.arn, outcome: 'not imported by lakeshift: kept' };
  return { certificateArn: certificate.arn, outcome: await deleteCertificateIfUnused(certificate.arn) };
};

export const handler = lambdaHandler(deleteCertificate);
