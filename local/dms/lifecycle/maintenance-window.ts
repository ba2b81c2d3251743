/**
 * Maintenance windows (`ddd:hh24:mi-ddd:hh24:mi`, UTC, at least 30 minutes): queued modifications are applied at the
 * start of the next window.
 */
import { invalidParameterValue } from '../protocol/errors.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WINDOW =
  /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/i;
const WEEK_MINUTES = 7 * 24 * 60;

interface WindowBounds {
  /** Minutes since Sunday 00:00 UTC. */
  readonly start: number;
  readonly end: number;
}

const parse = (window: string): WindowBounds | undefined => {
  const match = WINDOW.exec(window);
  if (!match) return undefined;
  const minutes = (day: string | undefined, hour: string | undefined, minute: string | undefined) =>
    DAYS.indexOf((day ?? '').toLowerCase()) * 24 * 60 + Number(hour) * 60 + Number(minute);
  return { start: minutes(match[1], match[2], match[3]), end: minutes(match[4], match[5], match[6]) };
};

export const checkMaintenanceWindow = (window: string): string => {
  const bounds = parse(window);
  if (!bounds)
    throw invalidParameterValue(
      `Invalid PreferredMaintenanceWindow ${window}: the format is ddd:hh24:mi-ddd:hh24:mi (UTC)`,
    );
  const length = (bounds.end - bounds.start + WEEK_MINUTES) % WEEK_MINUTES;
  if (length < 30) throw invalidParameterValue('PreferredMaintenanceWindow must be at least 30 minutes long');
  return window.toLowerCase();
};

/** Emulated epoch ms of the next start of the window strictly after `now`. */
export const nextWindowStart = (window: string, now: number): number => {
  const bounds = parse(window);
  if (!bounds) throw invalidParameterValue(`Invalid PreferredMaintenanceWindow ${window}`);
  const date = new Date(now);
  const weekStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - date.getUTCDay());
  let candidate = weekStart + bounds.start * 60_000;
  while (candidate <= now) candidate += WEEK_MINUTES * 60_000;
  return candidate;
};
