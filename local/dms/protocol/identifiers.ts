/**
 * DMS identifier rules (docs/dms-behaviour.md §1.1): 1–63 ASCII letters, digits or hyphens; a letter first;
 * no trailing hyphen and no two consecutive hyphens. DMS stores identifiers lower-cased. `ResourceIdentifier`
 * (the custom ARN suffix) allows at most 31 characters of the same alphabet and must start with a letter.
 */
import { invalidParameterValue } from './errors.ts';

const IDENTIFIER = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/;

/** Returns the identifier lower-cased, or throws `InvalidParameterValueException` naming the parameter. */
export const normalizeIdentifier = (parameter: string, value: string): string => {
  if (value.length < 1 || value.length > 63 || !IDENTIFIER.test(value) || value.endsWith('-'))
    throw invalidParameterValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; must contain ` +
        'only ASCII letters, digits, and hyphens; must be 1 to 63 characters long; and must not end with a hyphen ' +
        'or contain two consecutive hyphens.',
    );
  return value.toLowerCase();
};

const RESOURCE_IDENTIFIER = /^[A-Za-z][A-Za-z0-9-]{0,30}$/;

export const checkResourceIdentifier = (value: string): string => {
  if (!RESOURCE_IDENTIFIER.test(value))
    throw invalidParameterValue(
      'The parameter ResourceIdentifier must start with a letter, contain only ASCII letters, digits and hyphens, ' +
        'and be at most 31 characters long.',
    );
  return value;
};

/** Subnet group names: up to 255 letters, digits, periods, underscores, spaces or hyphens; never "default". */
const SUBNET_GROUP = /^[A-Za-z0-9._ -]{1,255}$/;

export const normalizeSubnetGroupIdentifier = (value: string): string => {
  if (!SUBNET_GROUP.test(value) || value.toLowerCase() === 'default')
    throw invalidParameterValue(
      'The parameter ReplicationSubnetGroupIdentifier must contain no more than 255 alphanumeric characters, ' +
        'periods, spaces, underscores, or hyphens, and must not be "default".',
    );
  return value.toLowerCase();
};
