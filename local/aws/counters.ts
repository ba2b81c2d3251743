/**
 * What a local run costs in calls: DMS API requests, Lambda invocations (per execution and per rule), state
 * transitions per execution, and how long events took to reach their targets. Benchmarks and tests read these.
 */
import type { Delivery } from './events/service.ts';
import type { InvocationOrigin } from './lambda/functions.ts';
import type { ServiceCall } from './shared/observed-service.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';

export interface ExecutionCounts {
  readonly executionArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly status: string;
  readonly parentArn?: string;
  readonly stateTransitions: number;
  readonly lambdaInvocations: number;
}

export class LocalCounters {
  private dmsCalls = 0;
  private dmsFailures = 0;
  private readonly dmsErrorsByOperation = new Map<string, number>();
  private readonly dmsByOperation = new Map<string, number>();
  private lambdaCalls = 0;
  private readonly lambdaByExecution = new Map<string, number>();
  private readonly lambdaByRule = new Map<string, number>();
  private readonly lambdaByFunction = new Map<string, number>();
  private readonly deliveryLog: Delivery[] = [];
  private readonly dmsCallLog: ServiceCall[] = [];
  private readonly requestsByOperation = new Map<string, { succeeded: number; failed: number }>();

  constructor(private readonly stepFunctions: () => LocalStepFunctions) {}

  /** The server's request hook: counts every request answered, and DMS's in detail (throttled and failed ones too). */
  recordRequest(service: string, operation: string, statusCode: number): void {
    const key = `${service}:${operation}`;
    const counts = this.requestsByOperation.get(key) ?? { succeeded: 0, failed: 0 };
    if (statusCode === 200) counts.succeeded++;
    else counts.failed++;
    this.requestsByOperation.set(key, counts);
    if (service !== 'dms') return;
    this.dmsCalls++;
    if (statusCode !== 200) {
      this.dmsFailures++;
      increment(this.dmsErrorsByOperation, operation);
    }
    this.dmsByOperation.set(operation, (this.dmsByOperation.get(operation) ?? 0) + 1);
  }

  /** Every DMS API request, with the emulated time it arrived and the error code it failed with. */
  recordDmsCall(call: ServiceCall): void {
    this.dmsCallLog.push(call);
  }

  recordInvocation(functionName: string, origin: InvocationOrigin): void {
    this.lambdaCalls++;
    increment(this.lambdaByFunction, functionName);
    if (origin.executionArn) increment(this.lambdaByExecution, origin.executionArn);
    if (origin.rule) increment(this.lambdaByRule, origin.rule);
  }

  recordDelivery(delivery: Delivery): void {
    this.deliveryLog.push(delivery);
  }

  /** Requests of one operation answered so far, by outcome (the service as the endpoint names it, e.g. `stepfunctions`). */
  requestsOf(service: string, operation: string): { readonly succeeded: number; readonly failed: number } {
    return { ...(this.requestsByOperation.get(`${service}:${operation}`) ?? { succeeded: 0, failed: 0 }) };
  }

  get dmsApiCalls(): number {
    return this.dmsCalls;
  }

  /** DMS requests answered with an error (throttling, busy resources, validation...). */
  get dmsApiErrors(): number {
    return this.dmsFailures;
  }

  get lambdaInvocations(): number {
    return this.lambdaCalls;
  }

  get stateTransitions(): number {
    return this.stepFunctions()
      .listAll()
      .reduce((total, execution) => total + execution.transitions, 0);
  }

  dmsCallsByOperation(): ReadonlyMap<string, number> {
    return this.dmsByOperation;
  }

  /** DMS requests answered with an error, by operation. */
  dmsApiErrorsByOperation(): ReadonlyMap<string, number> {
    return this.dmsErrorsByOperation;
  }

  lambdaInvocationsByRule(): ReadonlyMap<string, number> {
    return this.lambdaByRule;
  }

  /** Lambda invocations by function name (a source handler's copies count apart). */
  lambdaInvocationsByFunction(): ReadonlyMap<string, number> {
    return this.lambdaByFunction;
  }

  /** DMS API requests in arrival order, stamped with emulated time (throttled and failed ones included). */
  dmsRequests(): readonly ServiceCall[] {
    return this.dmsCallLog;
  }

  deliveries(): readonly Delivery[] {
    return this.deliveryLog;
  }

  executions(): ExecutionCounts[] {
    return this.stepFunctions()
      .listAll()
      .map((execution) => ({
        executionArn: execution.arn,
        stateMachineName: execution.target.stateMachineName,
        name: execution.name,
        status: execution.status,
        parentArn: execution.parentArn,
        stateTransitions: execution.transitions,
        lambdaInvocations: this.lambdaByExecution.get(execution.arn) ?? 0,
      }));
  }
}

const increment = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};
