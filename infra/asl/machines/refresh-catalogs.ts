import { FAIL_STATE_ERRORS } from '#contracts/errors';
import { failState } from '../builders/failures.ts';
import { catchAll, lambdaTask } from '../builders/tasks.ts';
import type { StateMachineDefinition } from '../builders/types.ts';
import { catalogSteps } from './common.ts';

const REFRESH_FAILED = FAIL_STATE_ERRORS.catalogRefreshFailed;

/** Databases refreshed at once: each holds a source connection and a Glue write burst for a moment. */
const REFRESH_CONCURRENCY = 2;

export const refreshCatalogs: StateMachineDefinition = {
  Comment:
    'Scheduled: bring the Glue catalog of every database in CDC up to date with its source tables, so that columns added during CDC reach the catalog and the view, and drops or type changes are reported as Schema Changed.',
  StartAt: 'ListCdcDatabases',
  States: {
    ListCdcDatabases: lambdaTask({
      handler: 'list-cdc-databases',
      comment: 'The databases whose task is in CDC.',
      payload: {},
      outputPath: '$.Payload',
      catch: [catchAll(REFRESH_FAILED)],
      next: 'RefreshDatabases',
    }),
    [REFRESH_FAILED]: failState(
      REFRESH_FAILED,
      '$.error.Cause',
      'The registry could not be read; the next scheduled run tries again.',
    ),
    RefreshDatabases: {
      Type: 'Map',
      Comment: "One database's failure never stops the others; its catalog is refreshed on the next run.",
      ItemsPath: '$.databases',
      MaxConcurrency: REFRESH_CONCURRENCY,
      ItemSelector: {
        'migrationId.$': '$$.Map.Item.Value.migrationId',
        'databaseId.$': '$$.Map.Item.Value.databaseId',
        'network.$': '$$.Map.Item.Value.network',
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'ReadSourceTables',
        States: {
          ...catalogSteps('Refreshed', 'CatalogNotRefreshed', '$.network'),
          Refreshed: { Type: 'Pass', Result: 'refreshed', End: true },
          CatalogNotRefreshed: {
            Type: 'Pass',
            Comment:
              'The handler logged the error (its Lambda error alarm fires); the catalog keeps what it had until the next run.',
            Result: 'failed',
            End: true,
          },
        },
      },
      ResultPath: '$.statuses',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};
