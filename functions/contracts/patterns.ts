/**
 * EventBridge event patterns as plain objects. The CDK stack deploys exactly these; the local runtime routes by them.
 */
import {
  CLOUDWATCH_ALARM_STATE_CHANGE,
  CLOUDWATCH_EVENT_SOURCE,
  DMS_DETAIL_TYPES,
  DMS_EVENT_SOURCE,
  DMS_TASK_EVENT_TYPES,
  LAKESHIFT_DETAIL_TYPES,
  LAKESHIFT_EVENT_SOURCE,
} from './events.ts';
import { ALARM_NAME_PREFIX } from './names.ts';

export type EventPattern = Readonly<Record<string, unknown>>;

/** A user (or a tool) asks for a migration: starts `migrate-fleet` with `detail` as input. */
export const migrationRequestedPattern: EventPattern = {
  source: [LAKESHIFT_EVENT_SOURCE],
  'detail-type': [LAKESHIFT_DETAIL_TYPES.migrationRequested],
};

/** A user asks to tear a migration (or some of its databases) down: starts `teardown` per database. */
export const teardownRequestedPattern: EventPattern = {
  source: [LAKESHIFT_EVENT_SOURCE],
  'detail-type': [LAKESHIFT_DETAIL_TYPES.teardownRequested],
};

/** A user asks to run failed (or torn-down) databases again: starts `migrate-fleet` with the retry as input. */
export const retryRequestedPattern: EventPattern = {
  source: [LAKESHIFT_EVENT_SOURCE],
  'detail-type': [LAKESHIFT_DETAIL_TYPES.retryRequested],
};

/**
 * DMS task stopped or failed: the `on-task-event` handler completes or fails the stored task token.
 * Failures are matched on eventType as well as eventId: captured failure payloads lack an eventId
 * (docs/dms-behaviour.md §3.1).
 */
export const dmsTaskStateChangePattern: EventPattern = {
  source: [DMS_EVENT_SOURCE],
  'detail-type': [DMS_DETAIL_TYPES.taskStateChange],
  detail: {
    eventType: [DMS_TASK_EVENT_TYPES.stopped, DMS_TASK_EVENT_TYPES.failed],
  },
};

/** One of lakeshift's alarms went into ALARM: starts `resize-instance`. */
export const alarmStateChangePattern: EventPattern = {
  source: [CLOUDWATCH_EVENT_SOURCE],
  'detail-type': [CLOUDWATCH_ALARM_STATE_CHANGE],
  detail: {
    alarmName: [{ prefix: ALARM_NAME_PREFIX }],
    state: { value: ['ALARM'] },
  },
};

/** An operator asks to reload one table of a database in CDC (`lakeshift resync`). */
export const tableResyncRequestedPattern: EventPattern = {
  source: [LAKESHIFT_EVENT_SOURCE],
  'detail-type': [LAKESHIFT_DETAIL_TYPES.tableResyncRequested],
};
