/** Every state machine's definition, by name: what `npm run asl` writes to `statemachines/<name>.asl.json`. */
import type { StateMachineName } from '#contracts/names';
import type { StateMachineDefinition } from '../builders/types.ts';
import { migrateDatabase } from './migrate-database.ts';
import { migrateFleet } from './migrate-fleet.ts';
import { refreshCatalogs } from './refresh-catalogs.ts';
import { resizeInstance } from './resize-instance.ts';
import { resyncTable } from './resync-table.ts';
import { teardown } from './teardown.ts';

export const STATE_MACHINE_DEFINITIONS: Readonly<Record<StateMachineName, StateMachineDefinition>> = {
  'migrate-fleet': migrateFleet,
  'migrate-database': migrateDatabase,
  'resize-instance': resizeInstance,
  teardown,
  'refresh-catalogs': refreshCatalogs,
  'resync-table': resyncTable,
};

/** The definition as the JSON the file holds (before formatting). */
export const renderDefinition = (name: StateMachineName): string =>
  `${JSON.stringify(STATE_MACHINE_DEFINITIONS[name], null, 2)}\n`;
