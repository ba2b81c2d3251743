import { describe, expect, it } from 'vitest';
import { parseRateExpression } from '#local/aws/events/schedule';
import { ReferencePathError, resolveReferencePath } from '#local/aws/shared/reference-path';

describe('resolveReferencePath', () => {
  it('selects the node a simple path names', () => {
    // Prepare
    const value = { detail: { probe: { waitSeconds: 30 }, items: [{ 'odd key': 'x' }] } };

    // Act + Assess
    expect(resolveReferencePath('$', value)).toBe(value);
    expect(resolveReferencePath('$.detail.probe.waitSeconds', value)).toBe(30);
    expect(resolveReferencePath("$.detail.items[0]['odd key']", value)).toBe('x');
  });

  it('refuses missing nodes and paths that are not reference paths', () => {
    // Act + Assess
    expect(() => resolveReferencePath('$.detail.missing', { detail: {} })).toThrow(
      new ReferencePathError('Reference path $.detail.missing does not point to a value (missing missing)'),
    );
    expect(() => resolveReferencePath('$.items[*]', { items: [] })).toThrow(/is not a simple path/);
    expect(() => resolveReferencePath('detail', {})).toThrow('Reference path detail must start with $');
  });
});

describe('parseRateExpression', () => {
  it('turns rate expressions into milliseconds', () => {
    // Act + Assess
    expect(parseRateExpression('rate(5 minutes)')).toBe(300_000);
    expect(parseRateExpression('rate(1 hour)')).toBe(3_600_000);
    expect(parseRateExpression('rate(2 days)')).toBe(172_800_000);
  });

  it('refuses a wrong unit number, zero and cron', () => {
    // Act + Assess
    expect(() => parseRateExpression('rate(1 minutes)')).toThrow(/singular unit for 1/);
    expect(() => parseRateExpression('rate(0 minutes)')).toThrow(/positive whole number/);
    expect(() => parseRateExpression('cron(0 12 * * ? *)')).toThrow(
      /cron expressions are not supported locally/,
    );
  });
});
