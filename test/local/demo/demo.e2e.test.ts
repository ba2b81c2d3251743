import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoOptions, parseDemoOptions } from '#local/demo/options';
import { runDemo } from '#local/demo/run';
import type { LocalLakeshift } from '#local/local-lakeshift';
import type { DemoReport } from '#local/report/model';
import { IdlePacedClock } from '#test/idle-paced-clock';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const lakeFolder = (): string => {
  const folder = mkdtempSync(join(tmpdir(), 'lakeshift-demo-e2e-'));
  folders.push(folder);
  return join(folder, 'lake');
};

const run = async (options: DemoOptions) => {
  const output: string[] = [];
  // Emulated time stands still while a handler runs, so the spike lasts as long for the alarms however loaded
  // the machine is.
  const clock = new IdlePacedClock(options.clockSpeed);
  let aws: LocalLakeshift | undefined;
  const result = await runDemo(
    options,
    // A terminal: the live view is the command line's `watch` table, read through the local stack.
    { out: { write: (text: string) => output.push(text) }, isTty: true, width: 200 },
    {
      clock,
      started: (started) => {
        aws = started;
        clock.standStillDuringInvocations(started.lambda);
      },
    },
  );
  return { result, output: output.join(''), access: aws?.iam?.record };
};

const readReport = (path: string | undefined): DemoReport => JSON.parse(readFileSync(path ?? '', 'utf8'));

describe('npm run demo, shrunken', () => {
  it('migrates two demo databases through full load, an alarm-driven step up and a step down, and verifies them', async () => {
    // Prepare
    const lake = lakeFolder();
    const options = parseDemoOptions(['--databases', 'awkward,settings', '--rows', '2000', '--lake', lake]);
    // Act
    const { result, output, access } = await run(options);
    // Assess
    expect(result.failure).toBeUndefined();
    // The table statuses first: when the run fails, they say which table and why.
    expect(result.verification.map((table) => `${table.database}.${table.table}:${table.status}`)).toEqual([
      'awkward.everything:equal',
      'awkward.rarer:equal',
      'awkward.no_primary_key:equal',
      'awkward.documents:equal',
      'settings.feature_flags:equal',
      'settings.audit_log:equal',
    ]);
    expect(result.exitCode).toBe(0);
    expect(output).toContain('All 6 tables equal, each read through its Glue catalog view.');
    expect(output).toContain('migration  database  phase');
    expect(output).toMatch(/awkward\s+CDC\s+dms\./);
    // settings is read with verify-full against the embedded server's CA; teardown leaves no slot on any source.
    expect(result.slotsLeft).toEqual([]);
    expect(output).toContain('torn down; no replication slot left');
    // Every request, the catalog steps' included (reading the source, writing Glue, deleting it at teardown), was
    // judged against the synthesized template's roles and none was denied.
    expect(access?.denied()).toEqual([]);
    const allowedGlue = new Set(
      access
        ?.all()
        .filter((entry) => entry.decision === 'allow' && entry.action.startsWith('glue:'))
        .map((entry) => entry.action),
    );
    expect([...allowedGlue]).toEqual(
      expect.arrayContaining(['glue:CreateDatabase', 'glue:CreateTable', 'glue:DeleteDatabase']),
    );
    const report = readReport(result.report?.jsonPath);
    expect(report.verified).toBe(true);
    const awkward = report.timeline.databases.find((database) => database.databaseId === 'awkward');
    expect(awkward?.phases.map((change) => change.phase)).toEqual(
      expect.arrayContaining(['PROVISIONING', 'FULL_LOAD', 'STEPPING_DOWN', 'CDC', 'RESIZING']),
    );
    // Full-load class, the step down after the full load, the step up on the spike, the step down after it.
    expect(awkward?.classes.length).toBeGreaterThanOrEqual(4);
    expect(awkward?.events.some((event) => event.kind === 'alarm' && event.text.includes('step-up'))).toBe(
      true,
    );
    expect(awkward?.metrics.cpuPercent.length).toBeGreaterThan(0);
    const html = readFileSync(result.report?.htmlPath ?? '', 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('every table equal');
  }, 240_000);
});
