/**
 * Deletes the database's resize alarms and its replication-slot alarm at teardown. Their names derive from (migrationId, databaseId) alone, so this
 * works whatever the registry holds; deleting alarms that do not exist is not an error.
 */
import * as z from 'zod';
import { deleteAlarms } from '#adapters/cloudwatch';
import { alarmNames } from '#domain/alarms/alarm-specs';
import { deriveIdentifiers } from '#domain/naming';
import { slotAlarmName } from '#domain/source-safety/slot-watch';
import { databaseKey, now } from '#shared/fields';
import { parseInput } from '#shared/input';
import { lambdaHandler } from '#shared/lambda';

const DisarmAlarmsInput = z.object({ ...databaseKey, now });

export const disarmAlarms = async (event: unknown) => {
  const input = parseInput(DisarmAlarmsInput, event);
  const names = [
    ...alarmNames(deriveIdentifiers(input.migrationId, input.databaseId).alarmPrefix),
    slotAlarmName(input),
  ];
  await deleteAlarms(names);
  return { alarmNames: names };
};

export const handler = lambdaHandler(disarmAlarms);
