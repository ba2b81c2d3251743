/**
 * The history entry of a class change that failed after the task was stopped. It records what the attempt left:
 * a class that changed anyway counts as a change (the cooldown starts from it), an unchanged one as a stay.
 */
import type { InstanceClass } from '#domain/instance-classes';
import type { FailedResize, ResizeAction, ResizeHistoryEntry } from './types.ts';

export const failedResizeEntry = (
  attempt: FailedResize & {
    readonly at: string;
    /** What the attempt set out to do. */
    readonly action: ResizeAction;
    /** The trigger of the decision that started the attempt (the latest history entry's). */
    readonly trigger: ResizeHistoryEntry['trigger'];
  },
): ResizeHistoryEntry => {
  const changed = attempt.instanceClass !== attempt.fromClass;
  return {
    action: changed ? attempt.action : 'stay',
    ...(changed ? { targetClass: attempt.instanceClass as InstanceClass } : {}),
    rule: 'resize-failed',
    reason: `${attempt.fromClass} → ${attempt.toClass} failed (${attempt.error}); ${
      attempt.resumed ? 'CDC resumed' : 'CDC waits to be resumed'
    } on ${attempt.instanceClass}`,
    metrics: {},
    at: attempt.at,
    fromClass: attempt.fromClass,
    trigger: attempt.trigger,
    failure: { error: attempt.error, cause: attempt.cause, resumed: attempt.resumed },
  };
};
