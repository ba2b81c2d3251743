import { describe, expect, it } from 'vitest';
import { type ReloadAtPoint, ReloadGate } from '#local/dms/index';

const ITEMS: ReloadAtPoint = {
  taskArn: 'arn:aws:dms:us-east-1:000000000000:task:ABC',
  taskIdentifier: 'shop-task',
  schemaName: 'public',
  tableName: 'items',
  at: 'loaded',
};

/** Whether a promise has settled once pending callbacks ran. */
const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
};

describe('ReloadGate', () => {
  it('holds a reload its configured rule matches until released, and lets any other through', async () => {
    // Prepare
    const gate = new ReloadGate();
    gate.configure([{ task: 'shop-task', table: 'public.items', at: 'loaded' }]);
    const signal = new AbortController().signal;

    // Act
    const held = gate.reached(ITEMS, signal);
    const otherPoint = gate.reached({ ...ITEMS, at: 'prepared' }, signal);
    const otherTable = gate.reached({ ...ITEMS, tableName: 'orders' }, signal);
    const seen = await gate.whenHeld({ table: 'public.items' });
    const heldBeforeRelease = await settled(held);
    gate.release({ table: 'public.items' });

    // Assess
    expect(await settled(otherPoint)).toBe(true);
    expect(await settled(otherTable)).toBe(true);
    expect(seen).toEqual(ITEMS);
    expect(heldBeforeRelease).toBe(false);
    expect(await settled(held)).toBe(true);
    expect(gate.held()).toEqual([]);
    expect(await settled(gate.reached(ITEMS, signal))).toBe(true);
  });

  it('lets a held reload go when its run is aborted', async () => {
    // Prepare
    const gate = new ReloadGate();
    gate.hold({ at: 'loaded' });
    const run = new AbortController();
    const held = gate.reached(ITEMS, run.signal);

    // Act
    run.abort();

    // Assess
    expect(await settled(held)).toBe(true);
    expect(gate.held()).toEqual([]);
  });
});
