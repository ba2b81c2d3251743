import { describe, expect, it } from 'vitest';
import { inspectionOrder } from '#domain/source-safety/inspection-order';

const watched = (id: string, checkedAt?: string) => ({
  id,
  ...(checkedAt === undefined ? {} : { slotWatch: { checkedAt, retainedWalBytes: 1, active: true } }),
});

describe('inspectionOrder', () => {
  it('puts databases never inspected first, then the longest since inspected, keeping ties in order', () => {
    // Act
    const order = inspectionOrder([
      watched('recent', '2026-03-01T12:10:00.000Z'),
      watched('new-1'),
      watched('oldest', '2026-03-01T11:00:00.000Z'),
      watched('new-2'),
      watched('older', '2026-03-01T12:00:00.000Z'),
    ]).map((item) => item.id);

    // Assess
    expect(order).toEqual(['new-1', 'new-2', 'oldest', 'older', 'recent']);
  });
});
