import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDemoOptions } from '#local/demo/options';
import { runDemo } from '#local/demo/run';
import { startEmbeddedPostgres } from '#local/postgres/embedded';
import { createFidelitySource } from './fidelity-source.ts';

// A file of its own: the handlers' AWS clients are created once per process, for the first local endpoint.
const folder = mkdtempSync(join(tmpdir(), 'lakeshift-demo-lossy-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run demo -- --source --lossy', () => {
  it('ends "equal under the chosen mapping", naming the columns and how many values were rounded or cut', async () => {
    // Prepare
    const server = await startEmbeddedPostgres();
    try {
      const url = await createFidelitySource(server);
      const lines: string[] = [];
      const options = parseDemoOptions([
        '--source',
        url,
        '--lake',
        join(folder, 'lake'),
        '--lossy',
        'unbounded-numeric,timestamp-milliseconds,time-milliseconds',
      ]);

      // Act
      const result = await runDemo(options, {
        out: { write: (text: string) => lines.push(text) > 0 },
        isTty: false,
      });

      // Assess: rows 1-300; ratio i/7 keeps more than 6 decimals unless i is a multiple of 3 or 7 (172 rows),
      // booked has microseconds unless i is a multiple of 3 (200), at_time unless i is a multiple of 4 (225).
      expect(result.failure).toBeUndefined();
      expect(result.exitCode).toBe(0);
      const [entries] = result.verification;
      expect(entries?.status).toBe('equal-under-chosen-mapping');
      expect(entries?.columns?.map((column) => [column.column, column.values, column.explainedBy])).toEqual([
        ['ratio', 172, 'unbounded-numeric'],
        ['booked', 200, 'timestamp-milliseconds'],
        ['at_time', 225, 'time-milliseconds'],
      ]);
      const output = lines.join('');
      expect(output).toContain(
        'EQUAL UNDER THE CHOSEN MAPPING (equal under the chosen mapping: ratio: 172 values',
      );
      expect(output).toContain('lossy by choice public.entries.ratio (unbounded-numeric)');
    } finally {
      await server.stop();
    }
  }, 240_000);
});
