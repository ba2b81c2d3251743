/**
 * How the handlers that connect to a source reach it: the secret's credentials, the plan's database and the
 * endpoint's SslMode, and for verify-ca/verify-full the CA certificate lakeshift imported for the endpoint (kept
 * in the registry, so no DMS call is needed from inside the source's network).
 */
import type { SourceAccess } from '#adapters/postgres';
import { getPostgresCredentials } from '#adapters/secrets';
import type { RegistryItem } from '#domain/registry-item';
import { storedPlanOf } from '#domain/stored-plan';

export const sourceAccessOf = async (item: RegistryItem): Promise<SourceAccess> => {
  const plan = storedPlanOf(item);
  const pem = item.sourceCertificate?.pem;
  return {
    credentials: await getPostgresCredentials(plan.source.secretArn),
    database: plan.source.databaseName,
    sslMode: plan.sourceEndpoint.SslMode,
    ...(pem === undefined ? {} : { trustedCa: pem }),
  };
};
