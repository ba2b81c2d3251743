/**
 * The poll schedule of the state machines' wait loops: each wait is half again as long as the previous one, up to
 * the loop's cap, so long operations (an instance takes minutes) cost few probes and short ones stay responsive.
 * The first wait and the cap are in the ASL; this only grows the interval.
 */
export const POLL_GROWTH = 1.5;

export const nextWaitSeconds = (previousSeconds: number, maxSeconds: number): number =>
  Math.max(1, Math.min(maxSeconds, Math.ceil(previousSeconds * POLL_GROWTH)));
