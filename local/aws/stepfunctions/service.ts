/**
 * Local Step Functions (`AWSStepFunctions`, JSON 1.0): state machines from ASL, executions on
 * aws-local-stepfunctions with the local integrations, deterministic-name semantics of StartExecution, history,
 * and task tokens.
 */
import { randomUUID } from 'node:crypto';
import { localArn } from '#local/aws/shared/account';
import {
  epochSeconds,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requiredString,
} from '#local/aws/shared/validation';
import type { Clock } from '../../clock.ts';
import { type AwsJsonService, AwsServiceError } from '../../http/service.ts';
import type { LocalLambda } from '../lambda/functions.ts';
import {
  InvalidDefinitionError,
  type PreparedDefinition,
  parseDefinition,
  prepareDefinition,
} from './definition.ts';
import { type ExecutionStatus, LocalExecution } from './execution.ts';
import type { OversizedFailureDetails } from './failure-details.ts';
import { TaskTokens } from './task-tokens.ts';

interface StoredStateMachine {
  readonly arn: string;
  readonly name: string;
  definition: string;
  prepared: PreparedDefinition;
  roleArn: string;
  readonly type: string;
  readonly createdAt: number;
  updatedAt?: number;
  readonly loggingConfiguration?: unknown;
  readonly tracingConfiguration?: unknown;
}

export interface LocalStepFunctionsOptions {
  readonly clock: Clock;
  readonly lambda: LocalLambda;
  /** Called when an execution ends (counters, benchmarks). */
  readonly onExecutionFinished?: (execution: LocalExecution) => void;
  /** Authorizes an execution starting a child as its state machine's role; throws to refuse it (IAM). */
  readonly authorizeNestedStart?: (parentExecutionArn: string, stateMachineArn: string) => void;
  /** What a failure over Step Functions' detail limits becomes; `fail` when absent (failure-details.ts). */
  readonly oversizedFailureDetails?: OversizedFailureDetails;
}

/** Names and state machine names: 1-80 characters, none of the characters Step Functions forbids. */
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
/** Control characters (U+0000–U+001F, U+007F–U+009F) are forbidden too. */
const isControlCharacter = (character: string): boolean => {
  const code = character.charCodeAt(0);
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
};
const isValidName = (name: string): boolean =>
  name.length >= 1 &&
  name.length <= 80 &&
  !FORBIDDEN_NAME_CHARACTERS.test(name) &&
  ![...name].some(isControlCharacter);
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const MAX_INPUT_BYTES = 256 * 1024;

export class LocalStepFunctions implements AwsJsonService {
  readonly name = 'stepfunctions';
  readonly targetPrefix = 'AWSStepFunctions';
  readonly protocol = 'json1.0' as const;
  readonly tokens: TaskTokens;
  private readonly stateMachines = new Map<string, StoredStateMachine>();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly clock: Clock;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.clock = options.clock;
    this.tokens = new TaskTokens(options.clock);
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateStateMachine':
        return this.createStateMachine(input);
      case 'UpdateStateMachine':
        return this.updateStateMachine(input);
      case 'DeleteStateMachine':
        this.stateMachines.delete(this.stateMachine(requiredString(input, 'stateMachineArn')).arn);
        return {};
      case 'DescribeStateMachine':
        return describeStateMachine(this.stateMachine(requiredString(input, 'stateMachineArn')));
      case 'ListStateMachines':
        return {
          stateMachines: [...this.stateMachines.values()].map((machine) => ({
            stateMachineArn: machine.arn,
            name: machine.name,
            type: machine.type,
            creationDate: epochSeconds(machine.createdAt),
          })),
        };
      case 'StartExecution':
        return this.startExecutionApi(input);
      case 'DescribeExecution':
        return describeExecution(this.execution(requiredString(input, 'executionArn')));
      case 'ListExecutions':
        return this.listExecutions(input);
      case 'StopExecution':
        return this.stopExecution(input);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(input);
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(input);
      case 'SendTaskFailure':
        this.tokens.fail(
          requiredString(input, 'taskToken'),
          optionalString(input, 'error'),
          optionalString(input, 'cause'),
        );
        return {};
      case 'SendTaskHeartbeat':
        this.tokens.heartbeat(requiredString(input, 'taskToken'));
        return {};
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `Step Functions operation ${operation} is not supported locally`,
        );
    }
  }

  /** Every execution so far (counters and tests read them). */
  listAll(): readonly LocalExecution[] {
    return [...this.executions.values()];
  }

  getExecution(executionArn: string): LocalExecution | undefined {
    return this.executions.get(executionArn);
  }

  /** StartExecution's semantics, in process (EventBridge targets and nested executions use it). */
  startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string;
    parentArn?: string;
  }): LocalExecution {
    const machine = this.stateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!isValidName(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const input = request.input ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
      throw new AwsServiceError('InvalidExecutionInput', 'Input exceeds the 262144 byte limit');
    }
    try {
      JSON.parse(input);
    } catch {
      throw new AwsServiceError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${input.slice(0, 80)}'`,
      );
    }
    const arn = localArn('states', `execution:${machine.name}:${name}`);
    const existing = this.executions.get(arn);
    if (existing) {
      // Same name and same input while running: the running execution (idempotent start); anything else fails.
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = new LocalExecution(
      {
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
        roleArn: machine.roleArn,
        prepared: machine.prepared,
      },
      { arn, name, input, parentArn: request.parentArn },
      {
        clock: this.clock,
        oversizedFailureDetails: this.options.oversizedFailureDetails,
        lambda: this.options.lambda,
        tokens: this.tokens,
        startExecution: (nested) => {
          this.options.authorizeNestedStart?.(nested.parentArn, nested.stateMachineArn);
          return this.startExecution(nested);
        },
        stopExecution: (nestedArn, error, cause) => this.executions.get(nestedArn)?.stop(error, cause),
      },
    );
    this.executions.set(arn, execution);
    void execution.done.then(() => this.options.onExecutionFinished?.(execution));
    return execution;
  }

  private createStateMachine(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'name');
    if (!isValidName(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const definition = requiredString(input, 'definition');
    const roleArn = requiredString(input, 'roleArn');
    const type = optionalString(input, 'type') ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') {
      throw new AwsServiceError(
        'ValidationException',
        `Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
      );
    }
    const arn = localArn('states', `stateMachine:${name}`);
    const existing = this.stateMachines.get(arn);
    if (existing) {
      // CreateStateMachine is idempotent for an identical definition and role.
      if (existing.definition === definition && existing.roleArn === roleArn) {
        return { stateMachineArn: arn, creationDate: epochSeconds(existing.createdAt) };
      }
      throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const createdAt = this.clock.now();
    this.stateMachines.set(arn, {
      arn,
      name,
      definition,
      prepared: prepare(definition),
      roleArn,
      type,
      createdAt,
      loggingConfiguration: input.loggingConfiguration,
      tracingConfiguration: input.tracingConfiguration,
    });
    return { stateMachineArn: arn, creationDate: epochSeconds(createdAt) };
  }

  private updateStateMachine(input: Record<string, unknown>): unknown {
    const machine = this.stateMachine(requiredString(input, 'stateMachineArn'));
    const definition = optionalString(input, 'definition');
    if (definition !== undefined) {
      machine.prepared = prepare(definition);
      machine.definition = definition;
    }
    machine.roleArn = optionalString(input, 'roleArn') ?? machine.roleArn;
    machine.updatedAt = this.clock.now();
    return { updateDate: epochSeconds(machine.updatedAt) };
  }

  private startExecutionApi(input: Record<string, unknown>): unknown {
    const execution = this.startExecution({
      stateMachineArn: requiredString(input, 'stateMachineArn'),
      name: optionalString(input, 'name'),
      input: optionalString(input, 'input'),
    });
    return { executionArn: execution.arn, startDate: epochSeconds(execution.startDate) };
  }

  private listExecutions(input: Record<string, unknown>): unknown {
    const machine = this.stateMachine(requiredString(input, 'stateMachineArn'));
    const statusFilter = optionalString(input, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
      throw new AwsServiceError(
        'ValidationException',
        `Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
      );
    }
    const { offset, size } = page(input, 100);
    const matching = [...this.executions.values()]
      .filter((e) => e.target.stateMachineArn === machine.arn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
    return {
      executions: matching.slice(offset, offset + size).map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.target.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epochSeconds(e.startDate),
        stopDate: e.stopDate === undefined ? undefined : epochSeconds(e.stopDate),
      })),
      nextToken: offset + size < matching.length ? String(offset + size) : undefined,
    };
  }

  private stopExecution(input: Record<string, unknown>): unknown {
    const execution = this.execution(requiredString(input, 'executionArn'));
    execution.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
    return { stopDate: epochSeconds(execution.stopDate ?? this.clock.now()) };
  }

  private getExecutionHistory(input: Record<string, unknown>): unknown {
    const execution = this.execution(requiredString(input, 'executionArn'));
    const includeData = optionalBoolean(input, 'includeExecutionData') ?? true;
    const events = [...execution.history.list()];
    if (optionalBoolean(input, 'reverseOrder')) events.reverse();
    const { offset, size } = page(input, 100);
    return {
      events: events.slice(offset, offset + size).map((event) => ({
        ...(includeData ? event : withoutData(event)),
        timestamp: epochSeconds(event.timestamp),
      })),
      nextToken: offset + size < events.length ? String(offset + size) : undefined,
    };
  }

  private sendTaskSuccess(input: Record<string, unknown>): unknown {
    const token = requiredString(input, 'taskToken');
    const output = requiredString(input, 'output');
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsServiceError('InvalidOutput', `Invalid Output: '${output.slice(0, 80)}'`);
    }
    this.tokens.succeed(token, parsed);
    return {};
  }

  private stateMachine(arn: string): StoredStateMachine {
    const machine = this.stateMachines.get(arn);
    if (!machine)
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): LocalExecution {
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

const prepare = (definition: string): PreparedDefinition => {
  try {
    return prepareDefinition(parseDefinition(definition));
  } catch (error) {
    if (error instanceof InvalidDefinitionError)
      throw new AwsServiceError('InvalidDefinition', error.message);
    throw error;
  }
};

const page = (input: Record<string, unknown>, defaultSize: number): { offset: number; size: number } => {
  const size = optionalNumber(input, 'maxResults') || defaultSize;
  if (size < 0 || size > 1000) {
    throw new AwsServiceError(
      'ValidationException',
      `Value '${size}' at 'maxResults' failed to satisfy constraint: Member must be between 0 and 1000`,
    );
  }
  const token = optionalString(input, 'nextToken');
  const offset = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsServiceError('InvalidToken', `Invalid Token: '${token}'`);
  return { offset, size };
};

const describeStateMachine = (machine: StoredStateMachine) => ({
  stateMachineArn: machine.arn,
  name: machine.name,
  status: 'ACTIVE',
  definition: machine.definition,
  roleArn: machine.roleArn,
  type: machine.type,
  creationDate: epochSeconds(machine.createdAt),
  loggingConfiguration: machine.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: machine.tracingConfiguration ?? { enabled: false },
});

const describeExecution = (execution: LocalExecution) => ({
  executionArn: execution.arn,
  stateMachineArn: execution.target.stateMachineArn,
  name: execution.name,
  status: execution.status,
  startDate: epochSeconds(execution.startDate),
  stopDate: execution.stopDate === undefined ? undefined : epochSeconds(execution.stopDate),
  input: execution.input,
  inputDetails: { included: true },
  output: execution.output,
  outputDetails: execution.output === undefined ? undefined : { included: true },
  error: execution.error,
  cause: execution.cause,
  redriveCount: 0,
  redriveStatus: 'NOT_REDRIVABLE',
});

/** includeExecutionData=false drops inputs, outputs and parameters from the event details. */
const withoutData = (event: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(event).map(([key, value]) => [
      key,
      key.endsWith('EventDetails') && typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.entries(value).filter(([field]) => !['input', 'output', 'parameters'].includes(field)),
          )
        : value,
    ]),
  );
