/**
 * DMS's `$AR_H_CHANGE_SEQ` header (docs/lake.md, "Change order"): a 35-digit number per change, unique in the task
 * and growing in commit order: 16 digits of commit time in microseconds, then 19 digits of record id. The record
 * id here is the transaction's commit LSN (14 digits) and the change's place in the transaction (5 digits), so
 * changes of one transaction, and of transactions committed in the same microsecond, still follow commit order.
 * The time part never goes back within a stream (commit times of concurrent transactions may), so the whole
 * number grows with the commit LSN.
 */
import { parseLsn } from './replication-slot.ts';

const TIME_DIGITS = 16;
const LSN_DIGITS = 14;
const INDEX_DIGITS = 5;

export class ChangeSequence {
  private lastMicros = 0n;

  /** The sequence of change `index` of the transaction committed at `commitLsn` and `commitMicros`. */
  next(commitMicros: bigint, commitLsn: string, index: number): string {
    const micros = commitMicros > this.lastMicros ? commitMicros : this.lastMicros;
    this.lastMicros = micros;
    return (
      micros.toString().padStart(TIME_DIGITS, '0') +
      parseLsn(commitLsn).toString().padStart(LSN_DIGITS, '0') +
      index.toString().padStart(INDEX_DIGITS, '0')
    );
  }
}

/** Microseconds since the epoch of a commit time `yyyy-MM-dd HH:mm:ss.SSSSSS` (UTC) known to the millisecond. */
export const commitMicros = (epochMs: number, text: string): bigint => {
  const fraction = /\.(\d{6})$/.exec(text)?.[1];
  return BigInt(epochMs) * 1000n + BigInt(fraction ? Number(fraction.slice(3)) : 0);
};
