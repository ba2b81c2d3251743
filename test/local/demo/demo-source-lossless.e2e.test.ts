import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDemoOptions } from '#local/demo/options';
import { runDemo } from '#local/demo/run';
import { startEmbeddedPostgres } from '#local/postgres/embedded';
import { createFidelitySource } from './fidelity-source.ts';

// A file of its own: the handlers' AWS clients are created once per process, for the first local endpoint.
const folder = mkdtempSync(join(tmpdir(), 'lakeshift-demo-lossless-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run demo -- --source, lossless by default', () => {
  it('carries unbounded numerics and microsecond times exactly, with no opt-in', async () => {
    // Prepare
    const server = await startEmbeddedPostgres();
    try {
      const url = await createFidelitySource(server);
      const lines: string[] = [];
      const options = parseDemoOptions(['--source', url, '--lake', join(folder, 'lake')]);

      // Act
      const result = await runDemo(options, {
        out: { write: (text: string) => lines.push(text) > 0 },
        isTty: false,
      });

      // Assess
      expect(result.failure).toBeUndefined();
      expect(result.exitCode).toBe(0);
      expect(result.verification.map((table) => [table.table, table.status, table.lake?.rowCount])).toEqual([
        ['entries', 'equal', 300],
      ]);
      const output = lines.join('');
      expect(output).toContain('adjusted public.entries.ratio: carried as a string');
      expect(output).toContain('adjusted public.entries.booked: kept in microseconds');
      expect(output).toContain('Plan Warning public.entries.ratio (unproven-remedy)');
    } finally {
      await server.stop();
    }
  }, 240_000);
});
