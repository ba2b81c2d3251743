/**
 * Pre-flight, before anything is created: reads the captured columns of the source database (its catalogue and
 * the longest value of LOB and unbounded numeric columns) so that the plan can carry every value losslessly or
 * warn (docs/column-fidelity.md). A verify-ca/verify-full source is checked against the request's CA certificate
 * when it is a bundle or a secret (`#adapters/source-ca`).
 */
import * as z from 'zod';
import { getPostgresCredentials } from '#adapters/secrets';
import { caPemWithoutDms } from '#adapters/source-ca';
import { inspectSourceColumns } from '#adapters/source-columns';
import { ConnectionTestFailedError, InvalidInputError } from '#contracts/errors';
import { needsAttention, type SourceInspection } from '#domain/fidelity/index';
import { effectiveDatabaseSettings } from '#domain/request/effective';
import { parseMigrationRequest } from '#domain/request/index';
import { databaseId, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

/** Why a source checked against a certificate already in DMS may fail the pre-flight while DMS itself connects. */
const CA_IN_DMS_ONLY =
  '; the CA of caCertificate.certificateArn is read from DMS, which the pre-flight cannot reach from inside the network: name the CA by secretArn or bundle for the pre-flight to trust it';

const InspectSourceInput = z.object({ request: z.unknown(), databaseId, now });

export const inspectSource = async (event: unknown): Promise<SourceInspection> => {
  const input = parseInput(InspectSourceInput, event);
  const request = parseMigrationRequest(input.request);
  const database = request.databases.find((candidate) => candidate.id === input.databaseId);
  if (database === undefined) {
    throw new InvalidInputError(`Migration "${request.migrationId}" has no database "${input.databaseId}"`);
  }
  const settings = effectiveDatabaseSettings(request.target, request.defaults, database);
  const verifies = settings.sslMode === 'verify-ca' || settings.sslMode === 'verify-full';
  const trustedCa = verifies ? await caPemWithoutDms(settings.caCertificate, new Date(input.now)) : undefined;
  try {
    const columns = await inspectSourceColumns({
      credentials: await getPostgresCredentials(database.secretArn),
      database: database.databaseName,
      sslMode: settings.sslMode,
      include: settings.tables.include,
      exclude: settings.tables.exclude,
      ...(trustedCa === undefined ? {} : { trustedCa }),
    });
    return { columnsInspected: columns.length, columns: columns.filter(needsAttention) };
  } catch (error) {
    // An unreachable source becomes a plan warning (fatal only with warningsFatal); DMS's own connection test
    // still decides whether the migration can run.
    if (!(error instanceof ConnectionTestFailedError)) throw error;
    const dmsHeldCa = verifies && settings.caCertificate !== undefined && trustedCa === undefined;
    return {
      columnsInspected: 0,
      columns: [],
      notInspected: dmsHeldCa ? `${error.message}${CA_IN_DMS_ONLY}` : error.message,
    };
  }
};

export const handler = lambdaHandler(inspectSource);
