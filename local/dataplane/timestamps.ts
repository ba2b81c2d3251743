/**
 * Time values the S3 layout needs: the TimestampColumnName text (`yyyy-MM-dd HH:mm:ss.SSSSSS`, UTC) and commit
 * times as test_decoding prints them in a UTC session (`2026-01-01 12:00:00.123456+00`).
 */

/** `yyyy-MM-dd HH:mm:ss.SSSSSS` of an epoch-ms instant, in UTC. */
export const timestampColumnText = (epochMs: number): string => {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
};

const COMMIT_TIME = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?([+-]\d{2}(?::?\d{2})?)?$/;

export interface CommitTime {
  /** Epoch milliseconds (microseconds truncated). */
  readonly epochMs: number;
  /** `yyyy-MM-dd HH:mm:ss.SSSSSS` in UTC, microseconds kept. */
  readonly text: string;
}

/** Parses a commit time printed in a UTC session; throws on any other shape. */
export const parseCommitTime = (printed: string): CommitTime => {
  const match = COMMIT_TIME.exec(printed);
  const offset = match?.[4] ?? '+00';
  if (!match || !/^[+-]00(?::?00)?$/.test(offset)) throw new Error(`unexpected commit time: ${printed}`);
  const fraction = (match[3] ?? '').padEnd(6, '0');
  const epochMs = Date.parse(`${match[1]}T${match[2]}.${fraction.slice(0, 3)}Z`);
  if (Number.isNaN(epochMs)) throw new Error(`unexpected commit time: ${printed}`);
  return { epochMs, text: `${match[1]} ${match[2]}.${fraction}` };
};
