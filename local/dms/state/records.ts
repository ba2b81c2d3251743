/**
 * The emulator's state model: what DMS knows about each resource, in plain JSON (it is persisted as is). Times are
 * emulated epoch milliseconds; the API layer converts them to epoch seconds.
 */

import type { SettingsDocument } from '../settings/task-settings.ts';
import type { MigrationType, StartType, TableStatistics } from '../workload.ts';

export interface PendingModifications {
  ReplicationInstanceClass?: string;
  AllocatedStorage?: number;
  MultiAZ?: boolean;
  EngineVersion?: string;
  NetworkType?: string;
}

export interface InstanceRecord {
  arn: string;
  resourceId: string;
  identifier: string;
  instanceClass: string;
  status: string;
  allocatedStorage: number;
  engineVersion: string;
  multiAz: boolean;
  availabilityZone: string;
  secondaryAvailabilityZone?: string;
  subnetGroupId: string;
  vpcSecurityGroupIds: string[];
  preferredMaintenanceWindow: string;
  autoMinorVersionUpgrade: boolean;
  publiclyAccessible: boolean;
  kmsKeyId: string;
  networkType: string;
  dnsNameServers?: string;
  privateIp: string;
  publicIp?: string;
  createdAt: number;
  /** Queued changes (ApplyImmediately=false): applied in the maintenance window or with the next immediate change. */
  pending: PendingModifications;
  /** The change being applied while `modifying`. */
  applying?: PendingModifications;
}

export interface SubnetRecord {
  id: string;
  availabilityZone: string;
}

export interface SubnetGroupRecord {
  arn: string;
  identifier: string;
  description: string;
  vpcId: string;
  subnets: SubnetRecord[];
}

export interface EndpointRecord {
  arn: string;
  resourceId: string;
  identifier: string;
  endpointType: 'SOURCE' | 'TARGET';
  engineName: string;
  status: string;
  createdAt: number;
  /** Every other request member as DMS stores it (settings default-filled; the password is never returned). */
  attributes: Record<string, unknown>;
}

export interface CertificateRecord {
  arn: string;
  identifier: string;
  pem: string;
  owner: string;
  createdAt: number;
}

export interface ConnectionRecord {
  instanceArn: string;
  endpointArn: string;
  status: 'testing' | 'successful' | 'failed' | 'deleting';
  lastFailureMessage?: string;
}

export interface TaskStatsRecord {
  progressPercent: number;
  /** Running time accumulated since the last fresh start, excluding the current run. */
  elapsedMs: number;
  runningSince?: number;
  freshStartDate?: number;
  startDate?: number;
  stopDate?: number;
  fullLoadStartDate?: number;
  fullLoadFinishDate?: number;
}

export interface TaskRecord {
  arn: string;
  resourceId: string;
  identifier: string;
  sourceArn: string;
  targetArn: string;
  instanceArn: string;
  migrationType: MigrationType;
  tableMappings: string;
  settings: SettingsDocument;
  status: string;
  createdAt: number;
  startedAt?: number;
  stopReason?: string;
  lastFailureMessage?: string;
  cdcStartPosition?: string;
  cdcStartTime?: number;
  cdcStopPosition?: string;
  taskData?: string;
  /** True once the task has been started; decides which start types are allowed. */
  hasRun: boolean;
  lastStartType?: StartType;
  stats: TaskStatsRecord;
  tables: TableStatistics[];
  /** The workload's checkpoint, given back on resume-processing. */
  checkpoint?: string;
  /** Changes applied so far; the pseudo LSN inside RecoveryCheckpoint. */
  position: number;
  /** Automatic retries of the current recoverable error. */
  recoverableAttempts: number;
  /** Paused by an instance change or reboot while in CDC: resumes by itself when the instance is available. */
  interrupted?: boolean;
  /** The status to return to after `modifying`. */
  statusBeforeModify?: string;
  /** Tables asked for with ReloadTables that the running workload has not taken yet. */
  pendingReloads?: TableToReloadRecord[];
}

export interface TableToReloadRecord {
  readonly SchemaName: string;
  readonly TableName: string;
}

export interface EventRecord {
  sourceIdentifier: string;
  sourceType: 'replication-instance' | 'replication-task';
  message: string;
  categories: string[];
  date: number;
}

export interface Tag {
  Key: string;
  Value: string;
}

export type TimerAction =
  | {
      type:
        | 'instance-created'
        | 'instance-modified'
        | 'instance-rebooted'
        | 'instance-deleted'
        | 'instance-maintenance';
      arn: string;
    }
  | { type: 'endpoint-deleted'; arn: string }
  | { type: 'connection-tested'; instanceArn: string; endpointArn: string }
  | {
      type: 'task-ready' | 'task-running' | 'task-stopped' | 'task-deleted' | 'task-modified' | 'task-retry';
      arn: string;
    };

export interface TimerRecord {
  id: number;
  dueAt: number;
  action: TimerAction;
}

export interface StateData {
  version: 1;
  /** Counter behind generated resource ids. */
  idCounter: number;
  eventCounter: number;
  timerCounter: number;
  instances: Record<string, InstanceRecord>;
  subnetGroups: Record<string, SubnetGroupRecord>;
  endpoints: Record<string, EndpointRecord>;
  /** Absent in states saved before certificates were emulated (see certificatesOf). */
  certificates?: Record<string, CertificateRecord>;
  connections: ConnectionRecord[];
  tasks: Record<string, TaskRecord>;
  tags: Record<string, Tag[]>;
  events: EventRecord[];
  timers: TimerRecord[];
}

export const emptyState = (): StateData => ({
  version: 1,
  idCounter: 0,
  eventCounter: 0,
  timerCounter: 0,
  instances: {},
  subnetGroups: {},
  endpoints: {},
  certificates: {},
  connections: [],
  tasks: {},
  tags: {},
  events: [],
  timers: [],
});
