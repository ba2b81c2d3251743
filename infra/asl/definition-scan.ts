/**
 * Reads an ASL file the way the stack needs it: which `${Placeholder}`s it uses and which service integrations
 * its Task states call. The state machine's role is derived from this, so a definition can never call something
 * its role was not granted, and the role holds nothing the definition does not call.
 */
import {
  EVENT_BUS_PLACEHOLDER,
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  REGISTRY_TABLE_PLACEHOLDER,
  SOURCE_HANDLER_NAMES,
  type SourceHandlerName,
  STATE_MACHINE_NAMES,
  type StateMachineName,
  sourceFunctionArnPatternPlaceholder,
  stateMachineArnPlaceholder,
} from '#contracts/names';

/** The definition is not something the stack can deploy with least privilege. */
export class StateMachineDefinitionError extends Error {
  override readonly name = 'StateMachineDefinitionError';
}

export type PlaceholderTarget =
  | { readonly kind: 'handler'; readonly name: HandlerName }
  /** The ARN pattern of a source handler's copies, one per network (docs/source-safety.md, "Networks"). */
  | { readonly kind: 'sourceHandler'; readonly name: SourceHandlerName }
  | { readonly kind: 'stateMachine'; readonly name: StateMachineName }
  | { readonly kind: 'registryTable' }
  | { readonly kind: 'eventBus' };

export interface NestedExecution {
  readonly name: StateMachineName;
  /** `.sync` / `.sync:2`: Step Functions polls the child and needs its managed EventBridge rule. */
  readonly sync: boolean;
}

export interface DefinitionScan {
  /** Every placeholder the file uses, sorted. */
  readonly placeholders: readonly string[];
  /** Handlers invoked by their ARN. */
  readonly invokedHandlers: readonly HandlerName[];
  /** Source handlers invoked as their copy in the database's network: any of their copies. */
  readonly invokedByNetwork: readonly SourceHandlerName[];
  readonly nestedExecutions: readonly NestedExecution[];
  /** Some Task waits for a task token (someone outside must be allowed to complete it). */
  readonly waitsForTaskToken: boolean;
  /** IAM actions of direct DynamoDB integrations on the registry table, e.g. `dynamodb:GetItem`. */
  readonly registryActions: readonly string[];
  readonly publishesEvents: boolean;
}

/** Every placeholder the stack knows how to fill, with what it stands for. */
export const KNOWN_PLACEHOLDERS: ReadonlyMap<string, PlaceholderTarget> = new Map<string, PlaceholderTarget>([
  ...HANDLER_NAMES.map((name) => [handlerArnPlaceholder(name), { kind: 'handler', name }] as const),
  ...SOURCE_HANDLER_NAMES.map(
    (name) => [sourceFunctionArnPatternPlaceholder(name), { kind: 'sourceHandler', name }] as const,
  ),
  ...STATE_MACHINE_NAMES.map(
    (name) => [stateMachineArnPlaceholder(name), { kind: 'stateMachine', name }] as const,
  ),
  [REGISTRY_TABLE_PLACEHOLDER, { kind: 'registryTable' }],
  [EVENT_BUS_PLACEHOLDER, { kind: 'eventBus' }],
]);

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;
const LAMBDA_INVOKE = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;
const START_EXECUTION = /^arn:aws:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$/;
const DYNAMODB = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/;
const PUT_EVENTS = /^arn:aws:states:::events:putEvents(\.waitForTaskToken)?$/;
/** A function chosen by network: `States.Format('${…ArnPattern}', <path>)`, the only dynamic target allowed. */
const BY_NETWORK = /^States\.Format\('\$\{([A-Za-z0-9_]+)\}', \$[^,()']*\)$/;

/** Scans one definition. `label` names the file in errors. */
export const scanDefinition = (text: string, label: string): DefinitionScan => {
  const placeholders = [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))].sort();
  for (const placeholder of placeholders) {
    if (!KNOWN_PLACEHOLDERS.has(placeholder)) {
      throw new StateMachineDefinitionError(`${label}: unknown placeholder \${${placeholder}}`);
    }
  }
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    throw new StateMachineDefinitionError(`${label}: not valid JSON (${(error as Error).message})`);
  }
  const found = new Accumulator(label);
  for (const [stateName, state] of allStates(definition)) found.addState(stateName, state);
  return found.result(placeholders);
};

class Accumulator {
  private readonly handlers = new Set<HandlerName>();
  private readonly byNetwork = new Set<SourceHandlerName>();
  private readonly nested = new Map<StateMachineName, boolean>();
  private readonly registryActions = new Set<string>();
  private waitsForTaskToken = false;
  private publishesEvents = false;

  constructor(private readonly label: string) {}

  addState(stateName: string, state: Record<string, unknown>): void {
    if (state['Type'] !== 'Task') return;
    const resource = state['Resource'];
    if (typeof resource !== 'string') {
      throw new StateMachineDefinitionError(`${this.label}: state "${stateName}" has no Resource string`);
    }
    const parameters = asRecord(state['Parameters'] ?? state['Arguments']);
    if (resource.endsWith('.waitForTaskToken')) this.waitsForTaskToken = true;

    const direct = this.targetOf(resource);
    if (direct?.kind === 'handler') {
      this.handlers.add(direct.name);
    } else if (LAMBDA_INVOKE.test(resource)) {
      if (parameters['FunctionName.$'] === undefined) {
        this.handlers.add(this.requireTarget(stateName, parameters, 'FunctionName', 'handler').name);
      } else {
        this.byNetwork.add(this.requireNetworkTarget(stateName, parameters['FunctionName.$']).name);
      }
    } else if (START_EXECUTION.test(resource)) {
      const child = this.requireTarget(stateName, parameters, 'StateMachineArn', 'stateMachine').name;
      const sync = resource.includes('.sync');
      this.nested.set(child, (this.nested.get(child) ?? false) || sync);
    } else if (DYNAMODB.test(resource)) {
      const operation = resource.slice(resource.lastIndexOf(':') + 1);
      this.requireTarget(stateName, parameters, 'TableName', 'registryTable');
      this.registryActions.add(`dynamodb:${operation.charAt(0).toUpperCase()}${operation.slice(1)}`);
    } else if (PUT_EVENTS.test(resource)) {
      this.publishesEvents = true;
    } else {
      throw new StateMachineDefinitionError(
        `${this.label}: state "${stateName}" calls ${resource}, which the stack does not grant`,
      );
    }
  }

  result(placeholders: readonly string[]): DefinitionScan {
    return {
      placeholders,
      invokedHandlers: [...this.handlers].sort(),
      invokedByNetwork: [...this.byNetwork].sort(),
      nestedExecutions: [...this.nested].map(([name, sync]) => ({ name, sync })).sort(byName),
      waitsForTaskToken: this.waitsForTaskToken,
      registryActions: [...this.registryActions].sort(),
      publishesEvents: this.publishesEvents,
    };
  }

  private targetOf(value: string): PlaceholderTarget | undefined {
    const match = /^\$\{([A-Za-z0-9_]+)\}(:.*)?$/.exec(value);
    return match ? KNOWN_PLACEHOLDERS.get(match[1] ?? '') : undefined;
  }

  /** A function chosen at run time must be a source handler's copy, picked by network from its ARN pattern. */
  private requireNetworkTarget(stateName: string, value: unknown): { name: SourceHandlerName } {
    const match = typeof value === 'string' ? BY_NETWORK.exec(value) : null;
    const target = match ? KNOWN_PLACEHOLDERS.get(match[1] ?? '') : undefined;
    if (target?.kind !== 'sourceHandler') {
      throw new StateMachineDefinitionError(
        `${this.label}: state "${stateName}" must set FunctionName.$ to States.Format('\${…} sourceHandler placeholder', <network path>) (found ${JSON.stringify(value)})`,
      );
    }
    return target;
  }

  /** The named parameter must be a literal placeholder of the expected kind: a dynamic target cannot be scoped. */
  private requireTarget<Kind extends PlaceholderTarget['kind']>(
    stateName: string,
    parameters: Record<string, unknown>,
    key: string,
    kind: Kind,
  ): Extract<PlaceholderTarget, { kind: Kind }> {
    const value = parameters[key];
    const target = typeof value === 'string' ? this.targetOf(value) : undefined;
    if (target?.kind !== kind) {
      throw new StateMachineDefinitionError(
        `${this.label}: state "${stateName}" must set ${key} to a \${…} ${kind} placeholder (found ${JSON.stringify(
          value ?? parameters[`${key}.$`],
        )})`,
      );
    }
    return target as Extract<PlaceholderTarget, { kind: Kind }>;
  }
}

/** Every state in the definition, including those inside Map and Parallel states. */
function* allStates(definition: unknown): Generator<[string, Record<string, unknown>]> {
  const states = asRecord(asRecord(definition)['States']);
  for (const [name, value] of Object.entries(states)) {
    const state = asRecord(value);
    yield [name, state];
    for (const inner of [state['ItemProcessor'], state['Iterator']]) {
      if (inner !== undefined) yield* allStates(inner);
    }
    const branches = state['Branches'];
    if (Array.isArray(branches)) for (const branch of branches) yield* allStates(branch);
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

const byName = (left: NestedExecution, right: NestedExecution): number => left.name.localeCompare(right.name);
