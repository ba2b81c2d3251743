/**
 * In-process Lambda: function names/ARNs bound to the handler modules under `functions/handlers/`, invoked with a
 * Lambda-shaped context and JSON round-tripped payloads, with Lambda's error semantics (an unhandled error becomes
 * `FunctionError: Unhandled` with `{errorType: error.name, errorMessage, trace}`). Handlers read their environment
 * at cold start, so the environment is set before the first import.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HANDLER_NAMES, type HandlerName, handlerSourcePath } from '#contracts/names';
import { localArn } from '#local/aws/shared/account';
import { AwsServiceError } from '../../http/service.ts';
import { type HandlerFaultKind, LAMBDA_UNKNOWN_ERROR } from '../faults/injector.ts';
import { installSessionCredentials, runAsSession } from './session-credentials.ts';

const REPOSITORY_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface LambdaContext {
  readonly callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

export interface InvokeResult {
  readonly StatusCode: 200;
  readonly ExecutedVersion: '$LATEST';
  readonly FunctionError?: 'Unhandled';
  readonly Payload: unknown;
}

/** Who caused an invocation: an execution (for per-execution counts) or an event rule. */
export interface InvocationOrigin {
  readonly executionArn?: string;
  readonly rule?: string;
}

export interface LocalLambdaOptions {
  /** Loads a handler by the key it was registered with; by default imports `functions/handlers/<name>.ts`. */
  readonly loadHandler?: (key: string) => Promise<LambdaHandler>;
  readonly onInvoke?: (functionName: string, origin: InvocationOrigin) => void;
  /** Function timeout reported by `getRemainingTimeInMillis` (wall time). */
  readonly timeoutMs?: number;
  /** An injected crash or timeout for this invocation of a handler (by handler key), if any. */
  readonly faultFor?: (handlerKey: string) => HandlerFaultKind | undefined;
  /**
   * The access key of the role session a function runs with (its execution role); undefined runs it with the
   * process's credentials.
   */
  readonly sessionAccessKey?: (functionName: string, handlerKey: string) => string | undefined;
  /** Authorizes an invocation (the caller's permission or the function's resource policy); throws to refuse it. */
  readonly authorizeInvoke?: (functionArn: string, origin: InvocationOrigin) => void;
}

interface RegisteredFunction {
  readonly functionName: string;
  readonly arn: string;
  /** A handler name (HANDLER_NAMES) for the default loader; any key a custom loader knows. */
  readonly handlerKey: string;
}

/** Thrown for an unknown function, as Lambda's `ResourceNotFoundException`. */
export class FunctionNotFoundError extends AwsServiceError {
  constructor(functionName: string) {
    super('ResourceNotFoundException', `Function not found: ${functionName}`, 404);
  }
}

const isHandlerName = (key: string): key is HandlerName => (HANDLER_NAMES as readonly string[]).includes(key);

const importHandler = async (key: string): Promise<LambdaHandler> => {
  if (!isHandlerName(key)) throw new Error(`${key} is not one of lakeshift's handlers`);
  const name = key;
  const module = (await import(pathToFileURL(join(REPOSITORY_ROOT, handlerSourcePath(name))).href)) as {
    handler?: LambdaHandler;
  };
  if (typeof module.handler !== 'function') {
    throw new Error(`${handlerSourcePath(name)} does not export a function named handler`);
  }
  return module.handler;
};

export const functionArn = (functionName: string): string => localArn('lambda', `function:${functionName}`);

export class LocalLambda {
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly loaded = new Map<string, Promise<LambdaHandler>>();
  private readonly loadHandler: (key: string) => Promise<LambdaHandler>;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<Promise<InvokeResult>>();

  constructor(private readonly options: LocalLambdaOptions = {}) {
    this.loadHandler = options.loadHandler ?? importHandler;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    if (options.sessionAccessKey) installSessionCredentials();
  }

  /** Sets the variables every function sees; must happen before the first invocation (cold start reads them). */
  setEnvironment(variables: Readonly<Record<string, string>>): void {
    Object.assign(process.env, variables);
  }

  register(functionName: string, handlerKey: string): string {
    const arn = functionArn(functionName);
    this.functions.set(functionName, { functionName, arn, handlerKey });
    return arn;
  }

  /** The handler a function runs (a source handler's copies in every network run the same one). */
  handlerOf(functionNameOrArn: string): string | undefined {
    return this.find(functionNameOrArn)?.handlerKey;
  }

  has(functionNameOrArn: string): boolean {
    return this.find(functionNameOrArn) !== undefined;
  }

  /** Invokes synchronously (RequestResponse). Handler errors come back as `FunctionError`, as Lambda returns them. */
  invoke(functionNameOrArn: string, payload: unknown, origin: InvocationOrigin = {}): Promise<InvokeResult> {
    const running = this.run(functionNameOrArn, payload, origin);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running)).catch(() => undefined);
    return running;
  }

  /** Waits (at most `timeoutMs` of wall time) for the invocations in flight, so that shutting down cuts none off. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async run(
    functionNameOrArn: string,
    payload: unknown,
    origin: InvocationOrigin,
  ): Promise<InvokeResult> {
    const fn = this.find(functionNameOrArn);
    if (!fn) throw new FunctionNotFoundError(functionNameOrArn);
    this.options.authorizeInvoke?.(fn.arn, origin);
    this.options.onInvoke?.(fn.functionName, origin);
    const deadline = Date.now() + this.timeoutMs;
    const context: LambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${fn.functionName}`,
      logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const fault = this.options.faultFor?.(fn.handlerKey);
    try {
      if (fault === 'crash-before') throw new InjectedFault(fault, fn.functionName);
      let handler = this.loaded.get(fn.handlerKey);
      if (!handler) {
        handler = this.loadHandler(fn.handlerKey);
        this.loaded.set(fn.handlerKey, handler);
        handler.catch(() => this.loaded.delete(fn.handlerKey));
      }
      const loaded = await handler;
      const accessKey = this.options.sessionAccessKey?.(fn.functionName, fn.handlerKey);
      const output = await runAsSession(accessKey, () => loaded(roundTrip(payload), context));
      if (fault) throw new InjectedFault(fault, fn.functionName);
      return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: roundTrip(output) ?? null };
    } catch (error) {
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        FunctionError: 'Unhandled',
        Payload: errorPayload(error),
      };
    }
  }

  private find(functionNameOrArn: string): RegisteredFunction | undefined {
    const name = functionNameOrArn.startsWith('arn:') ? functionNameOrArn.split(':')[6] : functionNameOrArn;
    return name === undefined ? undefined : this.functions.get(name);
  }
}

/** A crash or timeout injected around a handler: Step Functions sees `Lambda.Unknown`. */
class InjectedFault extends Error {
  override readonly name = LAMBDA_UNKNOWN_ERROR;
  constructor(fault: HandlerFaultKind, functionName: string) {
    super(
      fault === 'timeout'
        ? `${functionName}: Task timed out (injected)`
        : `${functionName}: Runtime exited before returning (injected ${fault})`,
    );
  }
}

/** What Lambda returns for an unhandled error: the error's name as `errorType`. */
export const errorPayload = (
  error: unknown,
): { errorType: string; errorMessage: string; trace: string[] } => {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
};

/** Lambda payloads cross a JSON boundary: dates become strings, undefined disappears, classes become plain objects. */
const roundTrip = (value: unknown): unknown =>
  value === undefined ? undefined : JSON.parse(JSON.stringify(value));
