/** The CloudFormation outputs of lakeshift's stack that clients (the `lakeshift` command line) find it by. */
import { APP_NAME, STATE_MACHINE_NAMES, type StateMachineName, stateMachineArnPlaceholder } from './names.ts';

/** The stack name when the deployment config names none. */
export const DEFAULT_STACK_NAME = APP_NAME;

export const STACK_OUTPUTS = {
  eventBusName: 'EventBusName',
  registryTableName: 'RegistryTableName',
  lakeBucketName: 'LakeBucketName',
  dashboardName: 'DashboardName',
} as const;

/** Output key of a state machine's ARN. */
export const stateMachineArnOutput = (name: StateMachineName): string => stateMachineArnPlaceholder(name);

export const STATE_MACHINE_ARN_OUTPUTS: readonly string[] = STATE_MACHINE_NAMES.map(stateMachineArnOutput);
