/**
 * Input checks shared by the local services. Failures are `ValidationException`s worded as AWS words them
 * ("Value null at 'name' failed to satisfy constraint: ..."), so a bad request names the field and the rule.
 */
import { AwsServiceError } from '../../http/service.ts';

export const validationError = (field: string, value: unknown, rule: string): AwsServiceError =>
  new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${describe(value)} at '${field}' failed to satisfy constraint: ${rule}`,
  );

const describe = (value: unknown): string => {
  if (value === undefined || value === null) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`;
};

export const requiredString = (input: Record<string, unknown>, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw validationError(field, value, 'Member must not be null and must be a non-empty string');
  }
  return value;
};

export const optionalString = (input: Record<string, unknown>, field: string): string | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(field, value, 'Member must be a string');
  return value;
};

/** Numbers arrive as JSON numbers (JSON protocols) or as strings (the query protocol). */
export const optionalNumber = (input: Record<string, unknown>, field: string): number | undefined => {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw validationError(field, value, 'Member must be a number');
  }
  return number;
};

export const requiredNumber = (input: Record<string, unknown>, field: string): number => {
  const value = optionalNumber(input, field);
  if (value === undefined) throw validationError(field, value, 'Member must not be null');
  return value;
};

export const optionalBoolean = (input: Record<string, unknown>, field: string): boolean | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw validationError(field, value, 'Member must be a boolean');
};

/** Timestamps arrive as epoch seconds (JSON protocols) or ISO 8601 strings (the query protocol); returns epoch ms. */
export const optionalTimestamp = (input: Record<string, unknown>, field: string): number | undefined => {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber * 1000;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw validationError(field, value, 'Member must be a timestamp (epoch seconds or ISO 8601)');
};

export const requiredTimestamp = (input: Record<string, unknown>, field: string): number => {
  const value = optionalTimestamp(input, field);
  if (value === undefined) throw validationError(field, value, 'Member must not be null');
  return value;
};

export const optionalList = (input: Record<string, unknown>, field: string): unknown[] | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw validationError(field, value, 'Member must be a list');
  return value;
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const optionalRecord = (
  input: Record<string, unknown>,
  field: string,
): Record<string, unknown> | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw validationError(field, value, 'Member must be a structure');
  return value;
};

export const oneOf = <const T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined => {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationError(field, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
};

/** Epoch milliseconds → the epoch seconds AWS JSON protocols put on the wire. */
export const epochSeconds = (ms: number): number => ms / 1000;
