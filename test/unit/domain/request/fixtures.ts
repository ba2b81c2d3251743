/** Request documents for tests: plain JSON, as a user would send them. Each call returns a fresh copy. */

export const ACCOUNT = '123456789012';
export const KMS_KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/6f1c2a8e-4b7d-4c1e-9a3f-2d5e8b9c0a17`;
export const secretArnFor = (name: string) =>
  `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:lakeshift/${name}-Ab12Cd`;

/** The resize thresholds a request gets when it sets none (issue values), spelled out once for the tests. */
export const EXPECTED_RESIZE_THRESHOLDS = {
  cooldownMinutes: 30,
  headroom: 0.3,
  cdcChangesPerVcpuSecond: 1000,
  stepUp: {
    cpuPercent: 80,
    freeableMemoryPercent: 10,
    swapUsageBytes: 268_435_456,
    cdcLatencySeconds: 120,
    sustainedMinutes: 15,
  },
  stepDown: { cpuPercent: 25, quietMinutes: 360 },
};

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export const minimalRequest = (): JsonObject => ({
  migrationId: 'shop-2026',
  target: { bucket: 'acme-lake', kmsKeyArn: KMS_KEY_ARN },
  databases: [{ id: 'shop', secretArn: secretArnFor('shop'), databaseName: 'shop' }],
});

/** Three databases and no overrides: what the seed configuration turns into. */
export const threeDatabaseRequest = (): JsonObject => ({
  migrationId: 'orders-2026',
  target: { bucket: 'acme-lake', folder: 'raw/postgres', kmsKeyArn: KMS_KEY_ARN },
  databases: ['orders', 'billing', 'inventory'].map((id) => ({
    id,
    secretArn: secretArnFor(id),
    databaseName: `${id}_db`,
  })),
});

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sets `value` at a dotted path with numeric array indexes (`databases.1.overrides.resize`), creating objects on
 * the way. `undefined` deletes the key.
 */
export const withValue = (document: JsonObject, path: string, value: JsonValue | undefined): JsonObject => {
  const copy = structuredClone(document);
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  let cursor: JsonObject | JsonValue[] = copy;
  for (const key of keys) {
    const next: JsonValue | undefined = Array.isArray(cursor) ? cursor[Number(key)] : cursor[key];
    if (isObject(next) || Array.isArray(next)) cursor = next;
    else {
      const created: JsonObject = {};
      if (Array.isArray(cursor)) cursor[Number(key)] = created;
      else cursor[key] = created;
      cursor = created;
    }
  }
  if (Array.isArray(cursor)) {
    if (value !== undefined) cursor[Number(last)] = value;
  } else if (value === undefined) delete cursor[last];
  else cursor[last] = value;
  return copy;
};
