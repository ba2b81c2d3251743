/**
 * DMS ARNs: `arn:aws:dms:<region>:<account>:<type>:<resource id>`. Resource ids are upper-case base32 strings like
 * the 26-character ids in AWS's examples, derived from a seed and a counter so that a seeded run is reproducible.
 */
import { createHash } from 'node:crypto';

export type ArnResourceType = 'rep' | 'endpoint' | 'task' | 'subgrp' | 'cert';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const dmsArn = (region: string, account: string, type: ArnResourceType, resourceId: string): string =>
  `arn:aws:dms:${region}:${account}:${type}:${resourceId}`;

/** The resource id part (after the last colon). */
export const arnResourceId = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);

export const generateResourceId = (seed: string, counter: number): string => {
  const digest = createHash('sha256').update(`${seed}:${counter}`).digest();
  let id = '';
  for (let index = 0; index < 26; index++) id += BASE32[(digest[index] ?? 0) % 32];
  return id;
};

/** A deterministic UUID-shaped id (events carry one). */
export const generateUuid = (seed: string, counter: number): string => {
  const hex = createHash('sha256').update(`uuid:${seed}:${counter}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
