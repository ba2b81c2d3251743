/**
 * How events reach state machines and handlers. The CDK stack and the local stack both build their rules from this
 * table, so production and local runs route identically.
 */
import {
  CATALOG_REFRESH_DEFAULT_MINUTES,
  catalogRefreshScheduleExpression,
  DEFAULT_NETWORK_NAME,
  type HandlerName,
  RECONCILE_SCHEDULE_EXPRESSION,
  type StateMachineName,
} from './names.ts';
import {
  alarmStateChangePattern,
  dmsTaskStateChangePattern,
  type EventPattern,
  migrationRequestedPattern,
  retryRequestedPattern,
  tableResyncRequestedPattern,
  teardownRequestedPattern,
} from './patterns.ts';

export type RuleTarget =
  | { readonly kind: 'stateMachine'; readonly name: StateMachineName }
  | { readonly kind: 'handler'; readonly name: HandlerName };

export interface RuleWiring {
  /** Stable id, used for the CDK construct id and the local rule name. */
  readonly id: string;
  readonly description: string;
  /** Exactly one of `pattern` and `schedule`. */
  readonly pattern?: EventPattern;
  readonly schedule?: string;
  readonly target: RuleTarget;
  /** JSONPath of the part of the event sent to the target; the whole event when absent. */
  readonly inputPath?: string;
}

/** The rule that starts refresh-catalogs; a deployment sets its rate (`lake.catalogRefreshMinutes`). */
export const CATALOG_REFRESH_RULE_ID = 'RefreshCatalogs';

export const RULES: readonly RuleWiring[] = [
  {
    id: 'MigrationRequested',
    description: 'A migration request starts migrate-fleet with the request as input',
    pattern: migrationRequestedPattern,
    target: { kind: 'stateMachine', name: 'migrate-fleet' },
    inputPath: '$.detail',
  },
  {
    id: 'RetryRequested',
    description: 'A retry request starts migrate-fleet, which runs the named databases as a new attempt',
    pattern: retryRequestedPattern,
    target: { kind: 'stateMachine', name: 'migrate-fleet' },
    inputPath: '$.detail',
  },
  {
    id: 'TeardownRequested',
    description: 'A teardown request starts teardown with the request as input',
    pattern: teardownRequestedPattern,
    target: { kind: 'stateMachine', name: 'teardown' },
    inputPath: '$.detail',
  },
  {
    id: 'TableResyncRequested',
    description:
      'A table resync request starts resync-table: the view keeps the previous generation while DMS reloads the table',
    pattern: tableResyncRequestedPattern,
    target: { kind: 'stateMachine', name: 'resync-table' },
    inputPath: '$.detail',
  },
  {
    id: 'DmsTaskStateChange',
    description: 'DMS task stopped or failed: complete or fail the waiting execution',
    pattern: dmsTaskStateChangePattern,
    target: { kind: 'handler', name: 'on-task-event' },
  },
  {
    id: 'AlarmStateChange',
    description: 'A lakeshift alarm fired: run the resize policy',
    pattern: alarmStateChangePattern,
    target: { kind: 'stateMachine', name: 'resize-instance' },
  },
  {
    id: 'Reconcile',
    description: 'Scheduled reconciliation of registry and DMS state',
    schedule: RECONCILE_SCHEDULE_EXPRESSION,
    target: { kind: 'handler', name: 'reconcile' },
  },
  {
    id: 'InspectReplicationSlots',
    description: 'Scheduled look at every recorded replication slot: active or not, WAL retained',
    schedule: RECONCILE_SCHEDULE_EXPRESSION,
    target: { kind: 'handler', name: 'inspect-replication-slots' },
  },
  {
    id: CATALOG_REFRESH_RULE_ID,
    description: 'Scheduled refresh of the lake catalog of every database in CDC from its source tables',
    schedule: catalogRefreshScheduleExpression(CATALOG_REFRESH_DEFAULT_MINUTES),
    target: { kind: 'stateMachine', name: 'refresh-catalogs' },
  },
];

/**
 * A rule that targets a source handler is repeated per network, each copy targeting the handler's copy there
 * (docs/source-safety.md, "Networks"). The `default` network's rule keeps the rule's id; another network's adds its
 * name.
 */
export const ruleIdInNetwork = (rule: RuleWiring, network: string | undefined): string =>
  network === undefined || network === DEFAULT_NETWORK_NAME ? rule.id : `${rule.id}-${network}`;

/** The account's default event bus: the only bus AWS services (`aws.*` sources) and schedules deliver to. */
export const AWS_DEFAULT_EVENT_BUS = 'default';

/**
 * True when a rule must listen on the default bus: schedules and patterns matching only `aws.*` sources (DMS task
 * events, CloudWatch alarm events). Rules for lakeshift's own events listen on lakeshift's bus (EVENT_BUS_NAME).
 */
export const listensOnDefaultBus = (rule: RuleWiring): boolean => {
  if (rule.schedule !== undefined) return true;
  const sources = rule.pattern?.source;
  return (
    Array.isArray(sources) &&
    sources.length > 0 &&
    sources.every((s) => typeof s === 'string' && s.startsWith('aws.'))
  );
};
