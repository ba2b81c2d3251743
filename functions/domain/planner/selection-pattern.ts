/** A schema or table name of a DMS selection rule as a RegExp: `%` is the only wildcard, everything else is literal. */
export const selectionPattern = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('%')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
