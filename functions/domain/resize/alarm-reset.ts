/**
 * Which alarms lakeshift puts back to OK after deciding on them (docs/design.md §1.5: edge-triggered,
 * level-corrected). CloudWatch sends an event only when an alarm changes state, so an alarm left in ALARM after a
 * decision starts no other one until something resets it.
 *
 * - A stay that time alone can turn into an action soon (a stale lock expires, the policy's metric read catches up
 *   with the alarm's) resets its alarm: if the condition persists, the next evaluation raises ALARM again and a new
 *   decision follows. Each such re-fire is one cheap no-op execution that writes nothing (decision-history.ts).
 * - A stay that only a new class, a new phase or a whole new window of metrics can change (at the floor or the
 *   ceiling, no allowed rung, a step-down that would not fit, not in CDC) leaves its alarm in ALARM: a quiet
 *   database on its floor is the usual steady state, and re-deciding it every evaluation would cost an execution a
 *   minute for as long as it sits there. The reconciler resets such an alarm once its window has passed
 *   (`#domain/alarms/stale-alarms`), and every way to a new class or back into CDC ends with arm-alarms.
 * - A stay whose end the decision knows (a quiet window not yet full since the last change, a cooldown on a
 *   step-down signal) leaves its alarm in ALARM too, and the reconciler resets it when that time comes
 *   (time-bound-stays.ts). Resetting it at once re-fired it every evaluation period until then: for a quiet window,
 *   an execution every five minutes for six hours after each change, for every quiet database (docs/design.md
 *   §3.4). A cooldown on a step-up signal is still reset at once: a busy instance should not wait a sweep longer.
 */
import type { Phase } from '#contracts/phases';
import type { ResizeSignal } from '#domain/alarms/signals';
import { waitsForItsEnd } from './time-bound-stays.ts';
import type { ResizeDecision, ResizeRule } from './types.ts';

/** Stays whose answer can change with nothing but time passing (those that wait for their known end excepted). */
const STAYS_TIME_CAN_CHANGE: ReadonlySet<ResizeRule> = new Set<ResizeRule>([
  'cooldown',
  'quiet-too-short',
  'within-thresholds',
  // In CDC this is another execution's lock: it is released, or expires, without anything else happening.
  'resize-in-flight',
]);

/**
 * True when the alarm (of `signal`) that led to `decision`, taken in `phase`, should go back to OK now. A cooldown
 * on a step-up signal does: the busy instance steps up within a period of the cooldown's end.
 */
export const resetsTriggeringAlarm = (
  decision: ResizeDecision,
  phase: Phase,
  signal?: ResizeSignal,
): boolean =>
  decision.action === 'stay' &&
  phase === 'CDC' &&
  STAYS_TIME_CAN_CHANGE.has(decision.rule) &&
  !waitsForItsEnd(decision.rule, signal);

/** The StateReason of a reset after a decision: what lakeshift decided and why. */
export const decisionResetReason = (decision: ResizeDecision): string =>
  `lakeshift evaluated: ${decision.action} (${decision.rule}: ${decision.reason})`;

/** The StateReason of a reset when the alarms are armed again, e.g. after a resize. */
export const rearmResetReason = (instanceClass: string): string =>
  `lakeshift re-armed the alarms for ${instanceClass}: evaluate afresh`;
