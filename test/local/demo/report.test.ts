import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatElapsed } from '#local/report/elapsed';
import { renderReportHtml } from '#local/report/html';
import { buildReport, type DemoTimeline } from '#local/report/model';
import { defaultPriceTable } from '#local/report/prices';
import { SAMPLE_START, sampleTimeline, sampleVerification } from '#local/report/sample';
import { bandsOf, niceMax, splitAtGaps, tickOffsets } from '#local/report/svg';
import { writeReport } from '#local/report/write';

const folder = mkdtempSync(join(tmpdir(), 'lakeshift-report-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const GENERATED = new Date('2026-01-01T12:00:00Z');
const writeHtml = (timeline: DemoTimeline = sampleTimeline()): string =>
  renderReportHtml(buildReport(timeline, sampleVerification(), defaultPriceTable(), GENERATED));
const sectionOf = (html: string, id: string): string => {
  const start = html.indexOf(`id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
};

describe('buildReport', () => {
  it('prices each database from its class changes, against a fixed dms.r5.xlarge and Serverless', () => {
    // Act
    const report = buildReport(sampleTimeline(), sampleVerification(), defaultPriceTable(), GENERATED);
    // Assess: orders ran 43.8 min on r5.xlarge, 38 on r5.large, 50 on r5.xlarge, 18 on r5.large.
    const orders = report.costs.find((cost) => cost.databaseId === 'orders');
    expect(orders?.run.lakeshift.hoursByClass['dms.r5.xlarge']).toBeCloseTo((43.8 + 50) / 60, 10);
    expect(orders?.run.lakeshift.hoursByClass['dms.r5.large']).toBeCloseTo((38 + 18) / 60, 10);
    expect(orders?.run.fixedClass.hoursByClass['dms.r5.xlarge']).toBeCloseTo(149.8 / 60, 10);
    expect(orders?.steadyClass).toBe('dms.r5.large');
    expect(orders?.projectedMonth).toEqual({
      fixedClassUsd: 285.7,
      lakeshiftUsd: 147.46,
      serverlessEstimateUsd: 1230.4,
      priceTableDate: '2026-11-28',
      steadyClass: 'dms.r5.large',
    });
    expect(report.totals.monthFixedClassUsd).toBe(571.4);
    expect(report.totals.monthLakeshiftUsd).toBe(208.52);
    expect(report.verified).toBe(true);
    expect(report.prices).toMatchObject({ date: '2026-11-28', region: 'us-east-1', verified: false });
  });

  it('is not verified when a table differs or nothing was verified', () => {
    // Prepare
    const [first, ...rest] = sampleVerification();
    const failed = first ? [{ ...first, status: 'content-differs' as const }, ...rest] : [];
    // Act
    const withDifference = buildReport(sampleTimeline(), failed, defaultPriceTable(), GENERATED);
    const withNothing = buildReport(sampleTimeline(), [], defaultPriceTable(), GENERATED);
    // Assess
    expect(withDifference.verified).toBe(false);
    expect(withNothing.verified).toBe(false);
  });

  it('rejects a database without any instance class, naming it', () => {
    // Prepare
    const timeline: DemoTimeline = {
      ...sampleTimeline(),
      databases: [{ ...(sampleTimeline().databases[0] as DemoTimeline['databases'][number]), classes: [] }],
    };
    // Act
    const act = () => buildReport(timeline, [], defaultPriceTable(), GENERATED);
    // Assess
    expect(act).toThrow('databases[orders].classes: must hold at least the class it started on');
  });
});

describe('writeReport', () => {
  it('writes report.json and a self-contained report.html with a timeline per database', async () => {
    // Prepare
    const report = buildReport(sampleTimeline(), sampleVerification(), defaultPriceTable(), GENERATED);
    // Act
    const written = await writeReport(folder, report);
    // Assess
    const json = JSON.parse(readFileSync(written.jsonPath, 'utf8'));
    expect(json.verified).toBe(true);
    expect(json.costs).toHaveLength(2);
    expect(json.timeline.databases.map((database: { databaseId: string }) => database.databaseId)).toEqual([
      'orders',
      'awkward-types',
    ]);
    const html = readFileSync(written.htmlPath, 'utf8');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('data-database="orders"');
    expect(html).toContain('data-database="awkward-types"');
    expect(html).toContain('every table equal');
  });

  it('shows the cost table with the lakeshift, fixed-class and Serverless figures and the price date', () => {
    // Act
    const html = writeHtml();
    // Assess
    const cost = sectionOf(html, 'cost');
    expect(cost).toContain('price table of 2026-11-28');
    expect(cost).toContain('<th class="num">fixed dms.r5.xlarge</th>');
    expect(cost).toContain(
      '<tr><td>orders</td><td>dms.r5.large</td><td class="num">$147.46</td><td class="num">$285.70</td><td class="num">48%</td><td class="num">$1230.40</td></tr>',
    );
    expect(cost).toContain(
      '<tr><td>total</td><td></td><td class="num">$208.52</td><td class="num">$571.40</td><td class="num">64%</td><td class="num">$1598.00</td></tr>',
    );
    expect(cost).toContain('Unverified prices.');
    expect(cost).toContain('Price table source: EXAMPLE, not AWS prices');
    expect(cost).toContain('2 GiB per DCU');
  });

  it('shows the measured peak behind the step-down after the full load, or why there was none', () => {
    // Prepare
    const base = sampleTimeline();
    const [first, second, ...others] = base.databases;
    if (!first || !second) throw new Error('the sample has two databases');
    const timeline: DemoTimeline = {
      ...base,
      databases: [
        {
          ...first,
          stepDown: {
            at: SAMPLE_START,
            fromClass: 'dms.r5.xlarge',
            toClass: 'dms.t3.medium',
            reason: 'auto: peak 2.25% CPU … smallest rung covering it is dms.t3.medium',
            peak: {
              found: true,
              peak: {
                cpuPercent: 2.25,
                freeableMemoryBytes: 31 * 1024 ** 3,
                swapUsageBytes: 0,
                cdcChangesPerSecond: 12,
                startTime: '2026-12-04T20:35:00.000Z',
                endTime: '2026-12-04T20:42:00.000Z',
                periodSeconds: 60,
                datapoints: 7,
              },
            },
          },
        },
        {
          ...second,
          stepDown: {
            at: SAMPLE_START,
            fromClass: 'dms.r5.xlarge',
            toClass: 'dms.r5.large',
            reason: 'auto without peak metrics (no datapoints): one rung below dms.r5.xlarge',
            peak: { found: false, why: 'CloudWatch holds no CPUUtilization datapoints' },
          },
        },
        ...others,
      ],
    };
    // Act
    const html = writeHtml(timeline);
    // Assess
    const measured = sectionOf(html, `db-${first.databaseId}`);
    expect(measured).toContain('After the full load: dms.r5.xlarge → dms.t3.medium');
    expect(measured).toContain('<td>peak CPUUtilization</td><td>2.3 %</td>');
    expect(measured).toContain('<td>lowest FreeableMemory</td><td>31.00 GiB</td>');
    expect(measured).toContain(
      '<td>CDC change rate (cached changes over the full load)</td><td>12 changes/s</td>',
    );
    expect(measured).toContain('7 datapoints of 60 s');
    expect(sectionOf(html, `db-${second.databaseId}`)).toContain(
      'No peak measured: CloudWatch holds no CPUUtilization datapoints.',
    );
  });

  it('shows per database the phases, the classes with the reasons and the events acted on', () => {
    // Act
    const html = writeHtml();
    // Assess
    const orders = sectionOf(html, 'db-orders');
    expect(orders).toContain(
      'Ended in <strong>CDC</strong> on <strong>dms.r5.large</strong>; 2 of 2 tables verified equal.',
    );
    for (const label of ['phase', 'instance class', 'CPU', 'freeable memory', 'CDC latency']) {
      expect(orders).toContain(`class="row-label">${label}</text>`);
    }
    expect(orders).toContain('<title>FULL_LOAD</title>');
    expect(orders).toContain(
      '<tr><td>+1:22:00</td><td>dms.r5.xlarge</td><td>CPUUtilization above 80% for 3 periods</td></tr>',
    );
    expect(orders).toContain('<td>DMS-EVENT-0079</td>');
    expect(orders.match(/class="event"/g)).toHaveLength(4);
  });

  it('shows the verification table with counts, short hashes, what the lake was read through and results', () => {
    // Act
    const html = writeHtml();
    // Assess
    const verification = sectionOf(html, 'verification');
    expect(verification).toMatch(
      /<tr><td>orders<\/td><td>public\.order_lines<\/td><td class="num">1000412<\/td><td class="num">1000412<\/td><td>[0-9a-f]{12}<\/td><td>[0-9a-f]{12}<\/td><td>files<\/td><td>EQUAL<\/td><\/tr>/,
    );
    expect(verification.match(/<tr><td>/g)).toHaveLength(4);
  });

  it('escapes text that comes from the run', () => {
    // Prepare
    const timeline = sampleTimeline();
    const hostile = {
      ...timeline,
      databases: timeline.databases.map((database) => ({
        ...database,
        description: '<img src=x onerror=alert(1)>',
      })),
    };
    // Act
    const html = writeHtml(hostile);
    // Assess
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('chart helpers', () => {
  it('formats emulated time since the start', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(61_000)).toBe('1:01');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
  });

  it('rounds axis maxima up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3.2)).toBe(5);
    expect(niceMax(32)).toBe(50);
    expect(niceMax(101)).toBe(200);
  });

  it('breaks a metric line where datapoints stop for more than three usual intervals', () => {
    // Prepare
    const at = (minute: number) => ({ at: SAMPLE_START + minute * 60_000, value: minute });
    // Act
    const runs = splitAtGaps([at(0), at(1), at(2), at(3), at(10), at(11), at(12)]);
    // Assess
    expect(runs.map((run) => run.map((point) => point.value))).toEqual([
      [0, 1, 2, 3],
      [10, 11, 12],
    ]);
    expect(splitAtGaps([at(5)])).toEqual([[at(5)]]);
  });

  it('puts axis ticks on round offsets, at most eight intervals', () => {
    const minute = 60_000;
    expect(tickOffsets(102 * minute)).toEqual([0, 15, 30, 45, 60, 75, 90].map((m) => m * minute));
    expect(tickOffsets(7 * minute)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((m) => m * minute));
    expect(tickOffsets(0)).toEqual([0]);
  });

  it('turns changes into bands that last until the next change', () => {
    // Act
    const bands = bandsOf(
      [
        { at: SAMPLE_START, name: 'a' },
        { at: SAMPLE_START + 10, name: 'b' },
      ],
      SAMPLE_START + 25,
      (change) => ({ label: change.name, colour: '#000' }),
    );
    // Assess
    expect(bands).toEqual([
      { from: SAMPLE_START, to: SAMPLE_START + 10, label: 'a', colour: '#000' },
      { from: SAMPLE_START + 10, to: SAMPLE_START + 25, label: 'b', colour: '#000' },
    ]);
  });
});
