/**
 * When DMS finished changing an instance's class: the moment the new class starts to be billed and the one the
 * cooldown and the report's class spans count from (docs/design.md §3.3). DMS records a class change as a pair of
 * "configuration change" events on the instance, starting (DMS-EVENT-0012) and done (DMS-EVENT-0014); DescribeEvents
 * returns them without their ids, so within a resize (which changes nothing but the class) the latest
 * configuration-change event is the "done" one.
 */

/** DescribeEvents' category for class, storage and Multi-AZ changes (docs/dms-behaviour.md §3.2). */
export const CONFIGURATION_CHANGE_CATEGORY = 'configuration change';

export interface InstanceEvent {
  readonly Date?: Date | undefined;
  readonly EventCategories?: readonly string[] | undefined;
}

export type ClassChangeTime =
  | { readonly from: 'dms-event'; readonly at: string }
  | { readonly from: 'fallback'; readonly at: string; readonly why: string };

/**
 * The latest configuration-change event in `[since, until]`, or `until` with the reason when DMS recorded none
 * (events older than DescribeEvents keeps, or an instance changed outside a resize).
 */
export const classChangeTimeOf = (
  events: readonly InstanceEvent[],
  window: { readonly since: string; readonly until: string },
): ClassChangeTime => {
  const since = Date.parse(window.since);
  const until = Date.parse(window.until);
  const times = events
    .filter((event) =>
      (event.EventCategories ?? []).some(
        (category) => category.toLowerCase() === CONFIGURATION_CHANGE_CATEGORY,
      ),
    )
    .map((event) => event.Date?.getTime())
    .filter((time): time is number => time !== undefined && time >= since && time <= until);
  return times.length === 0
    ? {
        from: 'fallback',
        at: window.until,
        why: `DMS recorded no configuration-change event for the instance between ${window.since} and ${window.until}`,
      }
    : { from: 'dms-event', at: new Date(Math.max(...times)).toISOString() };
};
