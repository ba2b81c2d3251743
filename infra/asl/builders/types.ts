/**
 * The slice of the Amazon States Language (JSONPath flavour) the state machines use. Property order in these
 * objects is the order the emitted JSON shows, so builders write properties in the order a reader expects.
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds: number;
  readonly MaxAttempts: number;
  readonly BackoffRate: number;
  readonly MaxDelaySeconds: number;
  readonly JitterStrategy: 'FULL';
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  /** `null` drops the error output and keeps the state's input. */
  readonly ResultPath: string | null;
  readonly Next: string;
}

/** Where a state goes next: a named state, or the end of its (sub)machine. */
export type Transition = { readonly Next: string } | { readonly End: true };

export type TaskState = {
  readonly Type: 'Task';
  readonly Comment?: string;
  readonly Resource: string;
  readonly Parameters: JsonObject;
  readonly TimeoutSeconds?: number;
  readonly HeartbeatSeconds?: number;
  readonly OutputPath?: string;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
} & Transition;

export type PassState = {
  readonly Type: 'Pass';
  readonly Comment?: string;
  readonly Result?: JsonValue;
  readonly Parameters?: JsonObject;
  readonly ResultPath?: string | null;
  readonly OutputPath?: string;
} & Transition;

export interface WaitState {
  readonly Type: 'Wait';
  readonly SecondsPath: string;
  readonly Next: string;
}

/** A Choice rule: a comparison on one variable, or an `And` of such comparisons. */
export type ChoiceRule = { readonly Next?: string } & (
  | ({ readonly Variable: string } & (
      | { readonly StringEquals: string }
      | { readonly BooleanEquals: boolean }
      | { readonly NumericGreaterThanEquals: number }
      | { readonly IsPresent: boolean }
    ))
  | { readonly And: readonly ChoiceRule[] }
);

export interface ChoiceState {
  readonly Type: 'Choice';
  readonly Comment?: string;
  readonly Choices: readonly (ChoiceRule & { readonly Next: string })[];
  readonly Default: string;
}

export interface FailState {
  readonly Type: 'Fail';
  readonly Comment?: string;
  readonly Error: string;
  readonly CausePath: string;
}

export interface SucceedState {
  readonly Type: 'Succeed';
}

export interface MapState {
  readonly Type: 'Map';
  readonly Comment?: string;
  readonly ItemsPath: string;
  readonly MaxConcurrency?: number;
  readonly MaxConcurrencyPath?: string;
  readonly ItemSelector: JsonObject;
  readonly ItemProcessor: {
    readonly ProcessorConfig: { readonly Mode: 'INLINE' };
    readonly StartAt: string;
    readonly States: States;
  };
  readonly ResultSelector?: JsonObject;
  readonly ResultPath: string;
  readonly Next: string;
}

export type State = TaskState | PassState | WaitState | ChoiceState | FailState | SucceedState | MapState;

/** States in the order they appear in the file. */
export type States = { readonly [name: string]: State };

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: States;
}
