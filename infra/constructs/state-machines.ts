import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DATABASE_STATE_MACHINES,
  type HandlerName,
  type SourceHandlerName,
  STATE_MACHINE_NAMES,
  type StateMachineName,
  stateMachineArnPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { type DefinitionScan, KNOWN_PLACEHOLDERS, scanDefinition } from '../asl/definition-scan.ts';
import { wildcardFindingId } from '../nag/wildcards.ts';

/** The rule Step Functions manages to learn that a `.sync` child execution ended. */
export const SYNC_EXECUTION_EVENTS_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

export interface StateMachinesProps {
  /** Repository root: definitions are read from `statemachines/*.asl.json` there. */
  readonly rootDir: string;
  readonly stackName: string;
  readonly functionArn: (name: HandlerName) => string;
  /** A source handler's copy in each network (docs/source-safety.md, "Networks"). */
  readonly functionArns: (name: SourceHandlerName) => string[];
  /** The ARN of a source handler's copies with NETWORK_SLOT for the network (a `States.Format` template). */
  readonly functionArnPattern: (name: SourceHandlerName) => string;
  readonly registryTable: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
  readonly logKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The state machines, each from its shared ASL file with every placeholder substituted, logging ALL to an
 * encrypted log group, traced, and with a role derived from what its definition calls.
 */
export class StateMachines extends Construct {
  readonly byName: ReadonlyMap<StateMachineName, sfn.StateMachine>;
  readonly scans: ReadonlyMap<StateMachineName, DefinitionScan>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: StateMachinesProps,
  ) {
    super(scope, id);
    const byName = new Map<StateMachineName, sfn.StateMachine>();
    const scans = new Map<StateMachineName, DefinitionScan>();
    for (const name of STATE_MACHINE_NAMES) {
      const path = join(props.rootDir, stateMachineDefinitionPath(name));
      const scan = scanDefinition(readFileSync(path, 'utf8'), stateMachineDefinitionPath(name));
      scans.set(name, scan);
      byName.set(name, this.createStateMachine(name, path, scan));
    }
    this.byName = byName;
    this.scans = scans;
  }

  /** Physical name: deterministic, so definitions and policies can name each other without a dependency cycle. */
  stateMachineName(name: StateMachineName): string {
    return `${this.props.stackName}-${name}`;
  }

  stateMachineArn(name: StateMachineName): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName(name),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** State machines whose executions wait for a task token that a handler completes. */
  get tokenWaitingStateMachineArns(): string[] {
    return STATE_MACHINE_NAMES.filter((name) => this.scans.get(name)?.waitsForTaskToken).map((name) =>
      this.stateMachineArn(name),
    );
  }

  /** The state machines whose executions work on one database, which teardown stops, and their executions. */
  get databaseExecutions(): { stateMachineArns: string[]; executionArns: string[] } {
    const names = DATABASE_STATE_MACHINES;
    return {
      stateMachineArns: names.map((name) => this.stateMachineArn(name)),
      executionArns: names.map((name) =>
        Stack.of(this).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${this.stateMachineName(name)}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ),
    };
  }

  get(name: StateMachineName): sfn.StateMachine {
    const machine = this.byName.get(name);
    if (!machine) throw new Error(`state machine ${name} is not defined`);
    return machine;
  }

  private createStateMachine(name: StateMachineName, path: string, scan: DefinitionScan): sfn.StateMachine {
    // e.g. MigrateFleetStateMachine
    const id = stateMachineArnPlaceholder(name).replace(/Arn$/, '');
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      // The vended-logs prefix keeps CloudWatch Logs' resource policy small when many machines log.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName(name)}`,
      encryptionKey: this.props.logKey,
      retention: this.props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const machine = new sfn.StateMachine(this, id, {
      stateMachineName: this.stateMachineName(name),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(path),
      definitionSubstitutions: this.substitutions(scan),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.grantDefinition(machine, scan);
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Log delivery (logs:*LogDelivery, logs:PutResourcePolicy, logs:Describe*) and X-Ray submission, added by Step Functions logging and tracing, take no resource-level permissions.',
    });
    return machine;
  }

  /** A value for every placeholder the file uses (scanDefinition has rejected unknown ones). */
  private substitutions(scan: DefinitionScan): Record<string, string> {
    const values: Record<string, string> = {};
    for (const placeholder of scan.placeholders) {
      const target = KNOWN_PLACEHOLDERS.get(placeholder);
      if (!target) continue;
      values[placeholder] =
        target.kind === 'handler'
          ? this.props.functionArn(target.name)
          : target.kind === 'sourceHandler'
            ? this.props.functionArnPattern(target.name)
            : target.kind === 'stateMachine'
              ? this.stateMachineArn(target.name)
              : target.kind === 'registryTable'
                ? this.props.registryTable.tableName
                : this.props.eventBus.eventBusName;
    }
    return values;
  }

  private grantDefinition(machine: sfn.StateMachine, scan: DefinitionScan): void {
    if (scan.invokedHandlers.length + scan.invokedByNetwork.length > 0) {
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'InvokeHandlers',
          actions: ['lambda:InvokeFunction'],
          // A source handler chosen by network: each of its copies, and nothing else.
          resources: [
            ...scan.invokedHandlers.map((handler) => this.props.functionArn(handler)),
            ...scan.invokedByNetwork.flatMap((handler) => this.props.functionArns(handler)),
          ],
        }),
      );
    }
    if (scan.nestedExecutions.length > 0) {
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'StartChildExecutions',
          actions: ['states:StartExecution'],
          resources: scan.nestedExecutions.map((child) => this.stateMachineArn(child.name)),
        }),
      );
    }
    const syncChildren = scan.nestedExecutions.filter((child) => child.sync);
    if (syncChildren.length > 0) {
      const stack = Stack.of(this);
      const executionArns = syncChildren.map((child) =>
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${this.stateMachineName(child.name)}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'FollowChildExecutions',
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          resources: executionArns,
        }),
      );
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ManageSyncExecutionRule',
          actions: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
          resources: [
            stack.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: SYNC_EXECUTION_EVENTS_RULE,
            }),
          ],
        }),
      );
      for (const executionArn of executionArns) {
        Validations.of(machine).acknowledge({
          id: wildcardFindingId(machine, executionArn),
          reason:
            'Child execution names are chosen at run time (one per database); the grant covers executions of that one state machine.',
        });
      }
    }
    if (scan.registryActions.length > 0) {
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'UseRegistry',
          actions: [...scan.registryActions],
          resources: [this.props.registryTable.tableArn],
        }),
      );
    }
    if (scan.publishesEvents) {
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'PublishEvents',
          actions: ['events:PutEvents'],
          resources: [this.props.eventBus.eventBusArn],
        }),
      );
    }
  }
}
