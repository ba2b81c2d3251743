/** Small declared databases for task tests, so full loads take a known number of emulated seconds. */
import { createSyntheticWorkload, type SyntheticWorkload } from '#local/dms/index';

/**
 * `sales`: 100,000 + 20,000 rows. At 5,000 rows/s per table on any class with 2+ vCPUs, `customers` loads in 4 s and
 * `orders` in 20 s (four 5-second ticks); 2 changes per second arrive meanwhile.
 */
export const salesWorkload = (): SyntheticWorkload =>
  createSyntheticWorkload({
    databases: {
      sales: {
        tables: [
          { schema: 'public', name: 'orders', rows: 100_000, changesPerSecond: 1.5 },
          { schema: 'public', name: 'customers', rows: 20_000, changesPerSecond: 0.5 },
        ],
      },
      broken: {
        tables: [{ name: 'orders', rows: 10 }],
        connectionFailure: 'FATAL: password authentication failed for user "dms"',
      },
    },
  });
