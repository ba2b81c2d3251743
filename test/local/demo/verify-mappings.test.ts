import { describe, expect, it } from 'vitest';
import { explainedBy, floorMicrosToMillis, roundDecimal } from '#local/verify/mappings';

describe('roundDecimal', () => {
  it.each([
    ['0.142857142857', '0.142857'],
    ['0.6111115', '0.611112'],
    ['-0.6111115', '-0.611112'],
    ['-0.0000001', '0'],
    ['12', '12'],
    ['99.9999995', '100'],
    ['NaN', null],
  ])('rounds %s to 6 places as %s', (text, rounded) => {
    // Act
    const result = roundDecimal(text, 6);

    // Assess
    expect(result).toBe(rounded);
  });
});

describe('floorMicrosToMillis', () => {
  it('floors before and after the epoch alike', () => {
    // Act
    const values = ['1234567', '-1234567', '1000'].map(floorMicrosToMillis);

    // Assess
    expect(values).toEqual(['1234000', '-1235000', '1000']);
  });
});

describe('explainedBy', () => {
  it('accepts a LOB prefix as truncation but not a different value', () => {
    // Act
    const prefix = explainedBy('lob-truncation', 'abcdef', 'abc');
    const other = explainedBy('lob-truncation', 'abcdef', 'abd');

    // Assess
    expect([prefix, other]).toEqual([true, false]);
  });
});
