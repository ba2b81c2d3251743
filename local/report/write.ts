/** Writes `report.json` and `report.html` into a folder (beside the lake in the demo). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReportHtml } from './html.ts';
import type { DemoReport } from './model.ts';

export interface WrittenReport {
  readonly jsonPath: string;
  readonly htmlPath: string;
}

export const writeReport = async (folder: string, report: DemoReport): Promise<WrittenReport> => {
  await mkdir(folder, { recursive: true });
  const jsonPath = join(folder, 'report.json');
  const htmlPath = join(folder, 'report.html');
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(htmlPath, renderReportHtml(report));
  return { jsonPath, htmlPath };
};
