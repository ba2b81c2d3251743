/** Lifecycle phases of one database (docs/design.md §2) and the legal moves between them. */
export const PHASES = [
  'REQUESTED',
  'PROVISIONING',
  'FULL_LOAD',
  'STEPPING_DOWN',
  'CDC',
  'RESIZING',
  'STOPPED',
  'FAILED',
  'TEARING_DOWN',
  'DELETED',
] as const;
export type Phase = (typeof PHASES)[number];

/** Every legal transition. Anything else is an IllegalPhaseTransitionError. */
export const PHASE_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  REQUESTED: ['PROVISIONING', 'FAILED', 'TEARING_DOWN'],
  PROVISIONING: ['FULL_LOAD', 'FAILED', 'STOPPED', 'TEARING_DOWN'],
  FULL_LOAD: ['STEPPING_DOWN', 'FAILED', 'STOPPED', 'TEARING_DOWN'],
  STEPPING_DOWN: ['CDC', 'FAILED', 'STOPPED', 'TEARING_DOWN'],
  CDC: ['RESIZING', 'FAILED', 'STOPPED', 'TEARING_DOWN'],
  RESIZING: ['CDC', 'FAILED', 'STOPPED', 'TEARING_DOWN'],
  STOPPED: ['PROVISIONING', 'FULL_LOAD', 'CDC', 'FAILED', 'TEARING_DOWN'],
  FAILED: ['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC', 'TEARING_DOWN'],
  TEARING_DOWN: ['DELETED', 'FAILED'],
  DELETED: [],
};

export const isLegalTransition = (from: Phase, to: Phase): boolean => PHASE_TRANSITIONS[from].includes(to);

/** A table loads again only under a running task (DMS ReloadTables); in CDC lakeshift keeps it running. */
export const RESYNCABLE_PHASE: Phase = 'CDC';
