import { describe, expect, it } from 'vitest';
import type { CdcCycle } from '#local/dataplane/cdc';
import { CdcDriver } from './cdc-driver.ts';

const cycle = (changesRead: number): CdcCycle => ({
  transactionsRead: changesRead,
  changesRead,
  filesWritten: [],
  rowsBuffered: 0,
  confirmedLsn: '0/0',
});

/** Whether `promise` has settled once pending callbacks have run. */
const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('CdcDriver', () => {
  it('says the task streams only after the first cycle of ongoing replication has finished', async () => {
    // Prepare
    const driver = new CdcDriver();
    const observer = driver.observer();

    // Act
    observer.cycleFinished?.(cycle(0));
    const afterLoadCycle = await settled(driver.streaming);
    observer.streaming?.();
    const afterStreamingBegan = await settled(driver.streaming);
    observer.cycleFinished?.(cycle(1));
    const afterFirstStreamingCycle = await settled(driver.streaming);

    // Assess: a change made once `streaming` resolves cannot be read by a cycle already under way.
    expect(afterLoadCycle).toBe(false);
    expect(afterStreamingBegan).toBe(false);
    expect(afterFirstStreamingCycle).toBe(true);
  });

  it('fails the wait for streaming when the task run ends first', async () => {
    // Prepare
    const driver = new CdcDriver();
    driver.observer();

    // Act
    driver.watch(Promise.resolve({ kind: 'failed' }));

    // Assess
    await expect(driver.streaming).rejects.toThrow('the task ended while a CDC cycle was awaited');
  });
});
