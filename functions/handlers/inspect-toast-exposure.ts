/**
 * Inspects the source, from inside its network, for columns the lake may lose: tables whose out-of-line values an
 * UPDATE can leave NULL (Plan Warning, logged and returned). The inspection only informs: a source it cannot read
 * is a warning too, and the migration goes on (DMS's own connection test decides whether the source can be reached).
 */
import * as z from 'zod';
import { readToastExposure } from '#adapters/postgres-toast';
import { createRegistry } from '#adapters/registry';
import { ENV } from '#contracts/env';
import { type PlanWarning, sourceNotInspected, unchangedToastWarnings } from '#domain/planner/toast-warnings';
import type { RegistryItem } from '#domain/registry-item';
import { requireEnv } from '#shared/env';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler, logger } from '#shared/lambda';
import { sourceAccessOf } from '#shared/source-access';

const env = requireEnv([ENV.registryTableName]);
const registry = createRegistry({ tableName: env[ENV.registryTableName] });

const InspectToastExposureInput = z.object({ ...databaseKey, now });

const warningsOf = async (item: RegistryItem): Promise<PlanWarning[]> => {
  try {
    return unchangedToastWarnings(await readToastExposure(await sourceAccessOf(item)));
  } catch (error) {
    return [sourceNotInspected(`${item.migrationId}/${item.databaseId}`, error)];
  }
};

export const inspectToastExposure = async (event: unknown) => {
  const input = parseInput(InspectToastExposureInput, event);
  const warnings = await warningsOf(await registry.require(input));
  for (const { message, ...warning } of warnings) {
    // `message` is the logger's own key: the warning's text goes under `detail`.
    logger.warn('Plan Warning', {
      migrationId: input.migrationId,
      databaseId: input.databaseId,
      ...warning,
      detail: message,
    });
  }
  return { warnings };
};

export const handler = lambdaHandler(inspectToastExposure);
