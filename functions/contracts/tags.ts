/** Tag keys lakeshift puts on every DMS resource it creates; adoption and IAM conditions rely on them. */
export const TAG_KEYS = {
  migration: 'lakeshift:migration',
  database: 'lakeshift:database',
  managed: 'lakeshift:managed',
} as const;

export const MANAGED_TAG_VALUE = 'true';
