/**
 * What a lossy mapping the request chose (docs/column-fidelity.md) makes of a source value, on the canonical
 * texts of canonical.ts: a lake value equal to it is "equal under the chosen mapping", not a mismatch.
 */
import type { LossyMapping } from '#domain/fidelity/type-mapping';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Rounds a plain decimal to `places` fraction digits, half away from zero (DMS's NUMERIC(28,6)). */
export const roundDecimal = (text: string, places: number): string | null => {
  const match = DECIMAL.exec(text);
  if (match === null) return null; // NaN, Infinity: no DECIMAL form, NULL in the lake.
  const [, sign = '', whole = '0', fraction = ''] = match;
  const padded = fraction.padEnd(places + 1, '0');
  let digits = BigInt(whole + padded.slice(0, places));
  if (Number(padded[places]) >= 5) digits += 1n;
  const raw = digits.toString().padStart(places + 1, '0');
  const head = raw.slice(0, raw.length - places);
  const tail = raw.slice(raw.length - places).replace(/0+$/, '');
  const value = tail.length > 0 ? `${head}.${tail}` : head;
  return value === '0' ? '0' : `${sign}${value}`;
};

/** Floors a count of microseconds to whole milliseconds (date_trunc to ms), still in microseconds. */
export const floorMicrosToMillis = (text: string): string | null => {
  if (!/^-?\d+$/.test(text)) return text;
  const micros = BigInt(text);
  const remainder = ((micros % 1000n) + 1000n) % 1000n;
  return (micros - remainder).toString();
};

/** The canonical lake value a source value becomes under the mapping; undefined when any prefix may do (LOBs). */
export const expectedUnderMapping = (mapping: LossyMapping, source: string | null): string | null => {
  if (source === null) return null;
  switch (mapping) {
    case 'unbounded-numeric':
      return roundDecimal(source, 6);
    case 'timestamp-milliseconds':
    case 'time-milliseconds':
      return floorMicrosToMillis(source);
    case 'lob-truncation':
      return source;
  }
};

/** True when the lake value is what the chosen mapping makes of the source value. */
export const explainedBy = (mapping: LossyMapping, source: string | null, lake: string | null): boolean => {
  if (mapping === 'lob-truncation') {
    return source !== null && lake !== null && lake.length < source.length && source.startsWith(lake);
  }
  return expectedUnderMapping(mapping, source) === lake;
};
