/**
 * `report.html`: one self-contained page (inline CSS, inline SVG, no script, no external asset) with the cost
 * table, a timeline per database, and the verification table.
 */
import { VERIFICATION_HEADERS, verificationRows } from '#local/verify/render';
import { formatElapsed } from './elapsed.ts';
import { escapeHtml } from './escape.ts';
import type { DatabaseCost, DatabaseTimeline, DemoReport } from './model.ts';
import { databaseChart, PHASE_COLOURS } from './svg.ts';

const STYLE = `
  body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #0f172a; margin: 24px auto; max-width: 1000px; padding: 0 16px; }
  h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
  .muted { color: #64748b; } .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-weight: 600; }
  .ok { background: #dcfce7; color: #166534; } .bad { background: #fee2e2; color: #991b1b; }
  table { border-collapse: collapse; margin: 6px 0 10px; } th, td { padding: 4px 10px; border-bottom: 1px solid #e2e8f0; text-align: left; }
  th { background: #f8fafc; font-weight: 600; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .caveat { background: #fffbeb; border: 1px solid #fde68a; padding: 8px 12px; border-radius: 6px; font-size: 13px; }
  .legend span { display: inline-block; margin-right: 12px; font-size: 12px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
  svg.timeline { display: block; margin: 6px 0; }
  svg .row-label { font-size: 12px; fill: #334155; } svg .band-label { font-size: 11px; fill: #fff; }
  svg .tick { font-size: 10px; fill: #64748b; } svg .frame { fill: #f8fafc; stroke: #e2e8f0; }
  svg .axis { stroke: #94a3b8; } svg .event { stroke: #f97316; stroke-dasharray: 3 3; } svg .capacity { stroke: #93c5fd; stroke-dasharray: 6 3; }
  code { font-size: 12px; }
`;

/** Dollars with cents, or with four decimals under a dollar (short local runs cost cents). */
export const formatUsd = (usd: number): string => `$${usd.toFixed(Math.abs(usd) < 1 && usd !== 0 ? 4 : 2)}`;

const percentSaved = (baseline: number, value: number): string =>
  baseline > 0 ? `${Math.round((100 * (baseline - value)) / baseline)}%` : '-';

const table = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly number[] = [],
) =>
  `<table><thead><tr>${headers
    .map((header, index) => `<th${numeric.includes(index) ? ' class="num"' : ''}>${escapeHtml(header)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => `<td${numeric.includes(index) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;

const hoursText = (hoursByClass: Readonly<Record<string, number>>): string =>
  Object.entries(hoursByClass)
    .map(([instanceClass, hours]) => `${instanceClass} ${hours.toFixed(2)} h`)
    .join(', ');

const costSection = (report: DemoReport): string => {
  const run = report.costs.map((cost: DatabaseCost) => [
    cost.databaseId,
    hoursText(cost.run.lakeshift.hoursByClass),
    formatUsd(cost.run.lakeshift.totalUsd),
    formatUsd(cost.run.fixedClass.totalUsd),
    percentSaved(cost.run.fixedClass.totalUsd, cost.run.lakeshift.totalUsd),
    formatUsd(cost.run.serverless.usd),
  ]);
  const { totals } = report;
  run.push([
    'total',
    '',
    formatUsd(totals.runLakeshiftUsd),
    formatUsd(totals.runFixedClassUsd),
    percentSaved(totals.runFixedClassUsd, totals.runLakeshiftUsd),
    formatUsd(totals.runServerlessUsd),
  ]);
  const month = report.costs.map((cost) => [
    cost.databaseId,
    cost.steadyClass,
    formatUsd(cost.projectedMonth.lakeshiftUsd),
    formatUsd(cost.projectedMonth.fixedClassUsd),
    percentSaved(cost.projectedMonth.fixedClassUsd, cost.projectedMonth.lakeshiftUsd),
    formatUsd(cost.projectedMonth.serverlessEstimateUsd),
  ]);
  month.push([
    'total',
    '',
    formatUsd(totals.monthLakeshiftUsd),
    formatUsd(totals.monthFixedClassUsd),
    percentSaved(totals.monthFixedClassUsd, totals.monthLakeshiftUsd),
    formatUsd(totals.monthServerlessUsd),
  ]);
  const fixed = report.costs[0]?.run.fixedInstanceClass ?? 'dms.r5.xlarge';
  return `<section id="cost"><h2>Cost at AWS on-demand prices (${escapeHtml(report.prices.region)}, price table of ${escapeHtml(report.prices.date)})</h2>
  <h3>This run (emulated hours)</h3>
  ${table(['database', 'instance-hours', 'lakeshift step-down', `fixed ${fixed}`, 'saved', 'DMS Serverless estimate'], run, [2, 3, 4, 5])}
  <h3>Projected: 24 h of full load, then 30 days of CDC on the class each database settled on</h3>
  ${table(['database', 'steady class', 'lakeshift step-down', `fixed ${fixed}`, 'saved', 'DMS Serverless estimate'], month, [2, 3, 4, 5])}
  <p class="caveat">Price table source: ${escapeHtml(report.prices.source)}</p>
  <p class="caveat">${report.prices.verified ? '' : '<strong>Unverified prices.</strong> '}${escapeHtml(report.prices.caveat)}</p>
  <p class="muted">Serverless estimate: ${escapeHtml(report.prices.serverlessAssumption)}</p></section>`;
};

const legend = (timeline: DatabaseTimeline): string => {
  const phases = [...new Set(timeline.phases.map((change) => change.phase))];
  return `<div class="legend">${phases
    .map(
      (phase) =>
        `<span><i style="background:${PHASE_COLOURS[phase] ?? '#cbd5e1'}"></i>${escapeHtml(phase)}</span>`,
    )
    .join(
      '',
    )}<span><i style="background:#f97316"></i>event lakeshift acted on</span><span><i style="background:#93c5fd"></i>memory of the class</span></div>`;
};

const databaseSection = (database: DatabaseTimeline, report: DemoReport): string => {
  const start = report.timeline.startedAt;
  const span = { from: start, to: Math.max(report.timeline.endedAt, start + 1) };
  const finalPhase = database.phases[database.phases.length - 1]?.phase ?? 'REQUESTED';
  const finalClass = database.classes[database.classes.length - 1]?.instanceClass ?? '-';
  const tables = report.verification.filter((result) => result.database === database.databaseId);
  const equal = tables.filter((result) => result.status === 'equal').length;
  const classRows = database.classes.map((change) => [
    `+${formatElapsed(change.at - start)}`,
    change.instanceClass,
    change.reason ?? '',
  ]);
  const eventRows = database.events.map((event) => [
    `+${formatElapsed(event.at - start)}`,
    event.kind,
    event.text,
  ]);
  return `<section class="database" id="db-${escapeHtml(database.databaseId)}">
  <h2>${escapeHtml(database.databaseId)}</h2>
  <p>${database.description ? `${escapeHtml(database.description)}. ` : ''}Ended in <strong>${escapeHtml(finalPhase)}</strong> on <strong>${escapeHtml(finalClass)}</strong>; ${equal} of ${tables.length} tables verified equal.</p>
  ${databaseChart(database, span)}
  ${legend(database)}
  ${stepDownSection(database)}
  <h3>Instance classes</h3>${table(['at', 'class', 'why'], classRows)}
  <h3>Events lakeshift acted on</h3>${eventRows.length > 0 ? table(['at', 'event', 'detail'], eventRows) : '<p class="muted">none</p>'}
  </section>`;
};

const GIB = 1024 ** 3;

/** The measured peak the after-full-load step-down was sized by, or why there was none. */
const stepDownSection = (database: DatabaseTimeline): string => {
  const sizing = database.stepDown;
  if (!sizing) return '';
  const heading = `<h3>After the full load: ${escapeHtml(sizing.fromClass)} → ${escapeHtml(sizing.toClass)}</h3>`;
  const reading = sizing.peak;
  if (!reading) return `${heading}<p>${escapeHtml(sizing.reason)}</p>`;
  if (!reading.found) return `${heading}<p>No peak measured: ${escapeHtml(reading.why)}.</p>`;
  const { peak } = reading;
  const rows = [
    ['peak CPUUtilization', `${peak.cpuPercent.toFixed(1)} %`],
    ['lowest FreeableMemory', `${(peak.freeableMemoryBytes / GIB).toFixed(2)} GiB`],
    ['peak SwapUsage', `${(peak.swapUsageBytes / GIB).toFixed(2)} GiB`],
    [
      'CDC change rate (cached changes over the full load)',
      `${peak.cdcChangesPerSecond.toFixed(0)} changes/s`,
    ],
    [
      'window',
      `${peak.startTime} to ${peak.endTime}, ${peak.datapoints} datapoints of ${peak.periodSeconds} s`,
    ],
  ];
  return `${heading}${table(['measured on the full-load class', 'value'], rows)}<p class="muted">${escapeHtml(sizing.reason)}</p>`;
};

const verificationSection = (report: DemoReport): string => {
  const rows = verificationRows(report.verification);
  return `<section id="verification"><h2>Verification: the lake's current state against the source</h2>
  <p class="muted">Each table in the lake is rebuilt from its LOAD files and then its CDC files, and compared with the source table by row count and by an order-independent hash of every column.</p>
  ${table(VERIFICATION_HEADERS, rows, [2, 3])}</section>`;
};

export const renderReportHtml = (report: DemoReport): string => {
  const { timeline } = report;
  const badge = report.verified
    ? '<span class="badge ok">every table equal</span>'
    : '<span class="badge bad">verification failed</span>';
  const speed = timeline.clockSpeed ? `, clock ${timeline.clockSpeed}× real time` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(report.title)}</h1>
<p class="muted">${timeline.databases.length} database${timeline.databases.length === 1 ? '' : 's'}, ${formatElapsed(timeline.endedAt - timeline.startedAt)} of emulated time${speed}. Generated ${escapeHtml(report.generatedAt)}.</p>
<p>${badge}</p></header>
${costSection(report)}
${timeline.databases.map((database) => databaseSection(database, report)).join('\n')}
${verificationSection(report)}
</body></html>
`;
};
