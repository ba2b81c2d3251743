/** When DMS finished a class change, read from the instance's own events (`#domain/resize/class-change-time`). */
import { type ClassChangeTime, classChangeTimeOf } from '#domain/resize/class-change-time';
import { describeInstanceEvents } from './dms.ts';

export const classChangedAt = async (
  instanceIdentifier: string,
  window: { readonly since: string; readonly until: string },
): Promise<ClassChangeTime> => {
  const events = await describeInstanceEvents(instanceIdentifier, {
    startTime: new Date(window.since),
    endTime: new Date(window.until),
  });
  return classChangeTimeOf(events, window);
};
