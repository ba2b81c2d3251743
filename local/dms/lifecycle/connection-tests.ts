/**
 * Connection tests: TestConnection runs the workload's check from the instance (status `testing`), and after the
 * test's duration the connection shows `successful` or `failed` with DMS's failure text. The checks in flight are
 * not persisted: after a restart, tests still `testing` run again.
 */
import { endpointDescription } from '../state/endpoint-description.ts';
import { findConnection } from '../state/lookup.ts';
import type { ConnectionTestResult } from '../workload.ts';
import type { LifecycleScope } from './scope.ts';

const key = (instanceArn: string, endpointArn: string): string => `${instanceArn}|${endpointArn}`;

export class ConnectionTests {
  /** Checks in flight, by `<instance ARN>|<endpoint ARN>`. */
  private readonly inFlight = new Map<string, Promise<ConnectionTestResult>>();

  constructor(private readonly ctx: LifecycleScope) {}

  /** TestConnection accepted the test (the connection shows `testing`). */
  start(instanceArn: string, endpointArn: string): void {
    this.launch(instanceArn, endpointArn);
    this.ctx.timers.schedule(
      { type: 'connection-tested', instanceArn, endpointArn },
      this.ctx.config.durations.connectionTest,
    );
  }

  /** The test's time is up: show its result (a slow check keeps `testing` until it answers). */
  onTested(instanceArn: string, endpointArn: string): void {
    const id = key(instanceArn, endpointArn);
    const result = this.inFlight.get(id) ?? this.launch(instanceArn, endpointArn);
    void result.then((outcome) => {
      if (this.inFlight.get(id) !== result) return;
      this.inFlight.delete(id);
      const connection = findConnection(this.ctx.state, instanceArn, endpointArn);
      if (connection?.status !== 'testing') return;
      connection.status = outcome.ok ? 'successful' : 'failed';
      if (!outcome.ok) connection.lastFailureMessage = outcome.message;
      this.ctx.changed();
    });
  }

  /** The connection was deleted: a result still to come is dropped. */
  forget(instanceArn: string, endpointArn: string): void {
    this.inFlight.delete(key(instanceArn, endpointArn));
  }

  /** After a restart: tests whose result was still pending when the emulator stopped run again. */
  restore(): void {
    for (const connection of this.ctx.state.connections) {
      if (
        connection.status === 'testing' &&
        !this.ctx.timers.has('connection-tested', connection.endpointArn)
      )
        this.onTested(connection.instanceArn, connection.endpointArn);
    }
  }

  private launch(instanceArn: string, endpointArn: string): Promise<ConnectionTestResult> {
    const endpoint = this.ctx.state.endpoints[endpointArn];
    const result: Promise<ConnectionTestResult> = endpoint
      ? Promise.resolve()
          .then(() => this.ctx.workloadFor(endpointDescription(endpoint, this.ctx.state)))
          .then((workload) => workload.testConnection(endpointDescription(endpoint, this.ctx.state)))
          .catch((error: unknown) => ({
            ok: false,
            message: error instanceof Error ? error.message : String(error),
          }))
      : Promise.resolve({ ok: false, message: 'The endpoint no longer exists.' });
    this.inFlight.set(key(instanceArn, endpointArn), result);
    return result;
  }
}
