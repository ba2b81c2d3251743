/** The endpoint as a workload sees it (the seam's EndpointDescription), built from the stored record. */

import type { EndpointDescription } from '../workload.ts';
import type { EndpointRecord, StateData } from './records.ts';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const settings = (value: unknown): Readonly<Record<string, unknown>> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/** `state` supplies the PEM of the endpoint's CertificateArn: the CA verify-ca/verify-full trust. */
export const endpointDescription = (record: EndpointRecord, state?: StateData): EndpointDescription => {
  const { attributes } = record;
  const description: {
    -readonly [K in keyof EndpointDescription]: EndpointDescription[K];
  } = {
    endpointArn: record.arn,
    endpointIdentifier: record.identifier,
    endpointType: record.endpointType,
    engineName: record.engineName,
    sslMode: text(attributes['SslMode']) ?? 'none',
  };
  const serverName = text(attributes['ServerName']);
  const databaseName = text(attributes['DatabaseName']);
  const username = text(attributes['Username']);
  const password = text(attributes['Password']);
  const extra = text(attributes['ExtraConnectionAttributes']);
  const postgres = settings(attributes['PostgreSQLSettings']);
  const s3 = settings(attributes['S3Settings']);
  if (serverName !== undefined) description.serverName = serverName;
  if (typeof attributes['Port'] === 'number') description.port = attributes['Port'];
  if (databaseName !== undefined) description.databaseName = databaseName;
  if (username !== undefined) description.username = username;
  if (password !== undefined) description.password = password;
  if (extra !== undefined) description.extraConnectionAttributes = extra;
  if (postgres) description.postgreSqlSettings = postgres;
  if (s3) description.s3Settings = s3;
  const certificateArn = text(attributes['CertificateArn']);
  const certificate = certificateArn === undefined ? undefined : state?.certificates?.[certificateArn];
  if (certificate) description.trustedCa = certificate.pem;
  return description;
};
