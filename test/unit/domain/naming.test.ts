import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALARM_NAME_PREFIX } from '#contracts/names';
import {
  DMS_IDENTIFIER_MAX_LENGTH,
  deriveIdentifiers,
  dmsIdentifierProblem,
  EXECUTION_NAME_MAX_LENGTH,
  fleetExecutionName,
  isDmsIdentifier,
  isExecutionName,
  stableHash,
} from '#domain/naming';

/** Ids as a valid request carries them: lower-case DMS identifiers, hyphens included. */
const requestId = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/),
    fc.array(fc.stringMatching(/^[a-z0-9]{1,9}$/), { maxLength: 7 }),
  )
  .map(([head, rest]) => [head, ...rest].join('-'))
  .filter((id) => id.length <= DMS_IDENTIFIER_MAX_LENGTH);

const dmsKinds = ['instance', 'sourceEndpoint', 'targetEndpoint', 'task'] as const;

describe('dmsIdentifierProblem', () => {
  it.each([
    ['', 'must be 1 to 63 characters'],
    ['a'.repeat(64), 'must be 1 to 63 characters'],
    ['orders_db', 'must contain only letters, digits and hyphens'],
    ['1orders', 'must start with a letter'],
    ['-orders', 'must start with a letter'],
    ['orders-', 'must not end with a hyphen'],
    ['orders--db', 'must not contain two consecutive hyphens'],
  ])('rejects %j: %s', (value, rule) => {
    // Act
    const problem = dmsIdentifierProblem(value);

    // Assess
    expect(problem).toBe(rule);
    expect(isDmsIdentifier(value)).toBe(false);
  });

  it.each(['a', 'orders', 'Orders-DB-2', 'a'.repeat(63)])('accepts %j', (value) => {
    // Act
    const problem = dmsIdentifierProblem(value);

    // Assess
    expect(problem).toBeUndefined();
  });
});

describe('deriveIdentifiers', () => {
  it('names every resource from the pair, a kind and the first 8 hex digits of the pair hash', () => {
    // Prepare
    const hash = stableHash('orders-2026', 'billing');

    // Act
    const identifiers = deriveIdentifiers('orders-2026', 'billing');

    // Assess
    expect(hash).toMatch(/^[0-9a-f]{8}$/);
    expect(identifiers).toEqual({
      instance: `orders-2026-billing-ri-${hash}`,
      sourceEndpoint: `orders-2026-billing-src-${hash}`,
      targetEndpoint: `orders-2026-billing-tgt-${hash}`,
      task: `orders-2026-billing-task-${hash}`,
      executionName: `orders-2026-billing-db-${hash}`,
      alarmPrefix: `${ALARM_NAME_PREFIX}orders-2026-billing-alarm-${hash}`,
    });
  });

  it('keeps pairs apart that read the same once joined with a hyphen', () => {
    // Act
    const left = deriveIdentifiers('a-b', 'c');
    const right = deriveIdentifiers('a', 'b-c');

    // Assess
    expect(left.instance).not.toBe(right.instance);
    expect(left.instance.startsWith('a-b-c-ri-')).toBe(true);
    expect(right.instance.startsWith('a-b-c-ri-')).toBe(true);
  });

  it('shortens long pairs to 63 characters (execution names to 72) and keeps the kind and the hash at the end', () => {
    // Prepare
    const migrationId = `m${'x'.repeat(62)}`;
    const databaseId = `d${'y'.repeat(62)}`;
    const hash = stableHash(migrationId, databaseId);

    // Act
    const identifiers = deriveIdentifiers(migrationId, databaseId);

    // Assess
    expect(identifiers.instance).toHaveLength(DMS_IDENTIFIER_MAX_LENGTH);
    expect(identifiers.instance).toBe(`${migrationId.slice(0, 51)}-ri-${hash}`);
    expect(identifiers.task).toBe(`${migrationId.slice(0, 49)}-task-${hash}`);
    // Room is left for the attempt suffix of later executions (`-a<n>`, see attemptExecutionName).
    expect(identifiers.executionName).toHaveLength(EXECUTION_NAME_MAX_LENGTH - 8);
    expect(identifiers.executionName.endsWith(`-db-${hash}`)).toBe(true);
    expect(identifiers.alarmPrefix.length).toBeLessThanOrEqual(DMS_IDENTIFIER_MAX_LENGTH);
  });

  it('does not leave a hyphen before the kind when the cut falls on one', () => {
    // Prepare: the instance identifier keeps 51 characters of body, so the cut lands right after the hyphen.
    const migrationId = `${'a'.repeat(50)}-b`;

    // Act
    const identifiers = deriveIdentifiers(migrationId, 'c');

    // Assess
    expect(identifiers.instance).toBe(`${'a'.repeat(50)}-ri-${stableHash(migrationId, 'c')}`);
  });

  it('lower-cases and cleans ids that are not valid DMS identifiers', () => {
    // Act
    const identifiers = deriveIdentifiers('Orders__2026', '9Billing--EU');

    // Assess
    expect(identifiers.instance).toBe(
      `orders-2026-9billing-eu-ri-${stableHash('Orders__2026', '9Billing--EU')}`,
    );
  });

  it('is valid for every pair of request ids: DMS rules, lower case, length limits, alarm prefix', () => {
    fc.assert(
      fc.property(requestId, requestId, (migrationId, databaseId) => {
        // Act
        const identifiers = deriveIdentifiers(migrationId, databaseId);

        // Assess
        for (const kind of dmsKinds) {
          expect(dmsIdentifierProblem(identifiers[kind])).toBeUndefined();
          expect(identifiers[kind]).toBe(identifiers[kind].toLowerCase());
        }
        expect(isExecutionName(identifiers.executionName)).toBe(true);
        expect(identifiers.alarmPrefix.startsWith(ALARM_NAME_PREFIX)).toBe(true);
        expect(identifiers.alarmPrefix.length).toBeLessThanOrEqual(DMS_IDENTIFIER_MAX_LENGTH);
        expect(identifiers.alarmPrefix).toBe(identifiers.alarmPrefix.toLowerCase());
      }),
    );
  });

  it('is valid for arbitrary strings too', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (migrationId, databaseId) => {
        // Act
        const identifiers = deriveIdentifiers(migrationId, databaseId);

        // Assess
        for (const kind of dmsKinds) expect(isDmsIdentifier(identifiers[kind])).toBe(true);
        expect(isExecutionName(identifiers.executionName)).toBe(true);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(requestId, requestId, (migrationId, databaseId) => {
        // Act
        const first = deriveIdentifiers(migrationId, databaseId);
        const second = deriveIdentifiers(migrationId, databaseId);

        // Assess
        expect(second).toEqual(first);
      }),
    );
  });

  it('gives distinct names to distinct pairs and to distinct kinds', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(requestId, requestId), {
          minLength: 2,
          maxLength: 40,
          selector: ([migrationId, databaseId]) => `${migrationId}\u0000${databaseId}`,
        }),
        (pairs) => {
          // Act
          const names = pairs.flatMap(([migrationId, databaseId]) =>
            Object.values(deriveIdentifiers(migrationId, databaseId)),
          );

          // Assess
          expect(new Set(names).size).toBe(pairs.length * 6);
        },
      ),
    );
  });

  it('never makes one alarm prefix a prefix of another pair`s alarm names', () => {
    fc.assert(
      fc.property(requestId, requestId, requestId, (migrationId, first, second) => {
        fc.pre(first !== second);
        // Act
        const a = `${deriveIdentifiers(migrationId, first).alarmPrefix}-`;
        const b = `${deriveIdentifiers(migrationId, second).alarmPrefix}-cpu-high`;

        // Assess
        expect(b.startsWith(a)).toBe(false);
      }),
    );
  });
});

describe('fleetExecutionName', () => {
  it('names the fleet execution after the migration, with its own kind', () => {
    // Act
    const name = fleetExecutionName('orders-2026');

    // Assess
    expect(name).toBe(`orders-2026-fleet-${stableHash('orders-2026')}`);
  });

  it('is a valid execution name, distinct from every database execution name of the migration', () => {
    fc.assert(
      fc.property(requestId, requestId, (migrationId, databaseId) => {
        // Act
        const fleet = fleetExecutionName(migrationId);

        // Assess
        expect(isExecutionName(fleet)).toBe(true);
        expect(fleet).not.toBe(deriveIdentifiers(migrationId, databaseId).executionName);
      }),
    );
  });
});
