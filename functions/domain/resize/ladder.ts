/** Moving along a ladder of instance classes, within its floor and ceiling. */
import type { InstanceClass } from '#domain/instance-classes';
import { compareInstanceClasses, type ResizeSettings } from '#domain/request/resize-settings';

type Bounds = Pick<ResizeSettings, 'ladder' | 'floor' | 'ceiling'>;

/** The rungs the policy may choose, smallest first: the ladder cut to [floor, ceiling]. */
export const allowedRungs = (settings: Bounds): InstanceClass[] =>
  [...settings.ladder]
    .filter(
      (rung) =>
        compareInstanceClasses(rung, settings.floor) >= 0 &&
        compareInstanceClasses(rung, settings.ceiling) <= 0,
    )
    .sort(compareInstanceClasses);

export const isAllowed = (instanceClass: InstanceClass, settings: Bounds): boolean =>
  allowedRungs(settings).includes(instanceClass);

/** Allowed rungs larger than `current`, smallest first. */
export const rungsAbove = (current: InstanceClass, settings: Bounds): InstanceClass[] =>
  allowedRungs(settings).filter((rung) => compareInstanceClasses(rung, current) > 0);

/** Allowed rungs smaller than `current`, smallest first (the next one down is the last). */
export const rungsBelow = (current: InstanceClass, settings: Bounds): InstanceClass[] =>
  allowedRungs(settings).filter((rung) => compareInstanceClasses(rung, current) < 0);

export const actionTowards = (
  current: InstanceClass,
  target: InstanceClass,
): 'step-up' | 'step-down' | 'stay' => {
  const order = compareInstanceClasses(target, current);
  return order > 0 ? 'step-up' : order < 0 ? 'step-down' : target === current ? 'stay' : 'step-up';
};
