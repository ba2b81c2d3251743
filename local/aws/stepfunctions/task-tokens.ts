/**
 * Task tokens for `.waitForTaskToken` states: issued when an execution reads `$$.Task.Token`, claimed by the task
 * that passed it on, and completed by SendTaskSuccess / SendTaskFailure. TimeoutSeconds and HeartbeatSeconds run on
 * the shared clock. Completing a token that is unknown, finished or timed out fails as Step Functions fails it.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { AwsServiceError } from '../../http/service.ts';
import { TaskError } from './task-error.ts';

interface PendingToken {
  readonly executionArn: string;
  resolve?: (output: unknown) => void;
  reject?: (error: TaskError) => void;
  heartbeatTimer?: () => void;
  heartbeatMs?: number;
}

type Finished = 'completed' | 'timedOut';

export class TaskTokens {
  private readonly issued = new Map<string, PendingToken>();
  private readonly finished = new Map<string, Finished>();

  constructor(private readonly clock: Clock) {}

  /** A fresh token for an execution (what `$$.Task.Token` evaluates to). */
  issue(executionArn: string): string {
    const token = randomBytes(96).toString('base64');
    this.issued.set(token, { executionArn });
    return token;
  }

  /** The execution a token was issued to, while it is pending. */
  executionOf(token: string): string | undefined {
    return this.issued.get(token)?.executionArn;
  }

  /** The token of `executionArn` that appears somewhere in `input` (the resolved Parameters of the task). */
  claim(executionArn: string, input: unknown): string | undefined {
    const strings: string[] = [];
    collectStrings(input, strings);
    return strings.find((value) => this.issued.get(value)?.executionArn === executionArn);
  }

  /**
   * Waits until the token is completed. Rejects with `States.Timeout` when `timeoutMs` passes, or when no heartbeat
   * arrives within `heartbeatMs`; rejects with the signal's reason when aborted.
   */
  wait(
    token: string,
    options: { timeoutMs?: number; heartbeatMs?: number; signal: AbortSignal },
  ): Promise<unknown> {
    const pending = this.issued.get(token);
    if (!pending) return Promise.reject(new TaskError('States.Runtime', 'Task token was never issued'));
    return new Promise<unknown>((resolve, reject) => {
      const cancelTimeout =
        options.timeoutMs === undefined
          ? undefined
          : this.clock.schedule(options.timeoutMs, () =>
              this.timeOut(token, 'Task timed out (TimeoutSeconds)'),
            );
      const cleanup = () => {
        cancelTimeout?.();
        pending.heartbeatTimer?.();
        options.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        cleanup();
        this.issued.delete(token);
        this.finished.set(token, 'completed');
        reject(options.signal.reason);
      };
      pending.resolve = (output) => {
        cleanup();
        resolve(output);
      };
      pending.reject = (error) => {
        cleanup();
        reject(error);
      };
      pending.heartbeatMs = options.heartbeatMs;
      this.armHeartbeat(token, pending);
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Drops a token whose task failed before waiting (e.g. the Lambda that should store it threw). */
  discard(token: string): void {
    this.issued.get(token)?.heartbeatTimer?.();
    this.issued.delete(token);
  }

  succeed(token: string, output: unknown): void {
    this.take(token).resolve?.(output);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.take(token).reject?.(new TaskError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    const pending = this.issued.get(token);
    if (!pending) this.throwFinished(token);
    else this.armHeartbeat(token, pending);
  }

  private armHeartbeat(token: string, pending: PendingToken): void {
    pending.heartbeatTimer?.();
    if (pending.heartbeatMs === undefined) return;
    pending.heartbeatTimer = this.clock.schedule(pending.heartbeatMs, () =>
      this.timeOut(token, 'Task timed out (no heartbeat within HeartbeatSeconds)'),
    );
  }

  private timeOut(token: string, message: string): void {
    const pending = this.issued.get(token);
    if (!pending) return;
    this.issued.delete(token);
    this.finished.set(token, 'timedOut');
    pending.reject?.(new TaskError('States.Timeout', message));
  }

  private take(token: string): PendingToken {
    const pending = this.issued.get(token);
    if (!pending) this.throwFinished(token);
    this.issued.delete(token);
    this.finished.set(token, 'completed');
    return pending;
  }

  private throwFinished(token: string): never {
    const state = this.finished.get(token);
    if (state === 'timedOut') throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    if (state === 'completed') throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    throw new AwsServiceError('InvalidToken', 'Invalid Token');
  }
}

const collectStrings = (value: unknown, into: string[]): void => {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) collectStrings(item, into);
};
