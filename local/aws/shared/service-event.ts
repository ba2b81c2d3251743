/**
 * An event an AWS service emits to EventBridge (DMS state changes, CloudWatch alarm state changes, schedules).
 * The local EventBridge wraps it in the standard envelope (`version`, `id`, `account`, `time`, `region`).
 */
export interface ServiceEvent {
  readonly source: string;
  readonly detailType: string;
  readonly resources?: readonly string[];
  readonly detail: Record<string, unknown>;
  /** Epoch ms; the shared clock's now when absent. */
  readonly time?: number;
}

/** The EventBridge envelope, as targets receive it. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  /** Any JSON object (DMS's and CloudWatch's detail shapes are interfaces of their own). */
  readonly detail: object;
}
