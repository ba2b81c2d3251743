/** `tsx local/report/write-sample.ts <folder>`: writes a report of sample data, to look at the page's layout. */
import { buildReport } from './model.ts';
import { defaultPriceTable } from './prices.ts';
import { sampleTimeline, sampleVerification } from './sample.ts';
import { writeReport } from './write.ts';

const folder = process.argv[2];
if (folder === undefined) {
  console.error('usage: tsx local/report/write-sample.ts <folder>');
  process.exit(2);
}
const report = buildReport(sampleTimeline(), sampleVerification(), defaultPriceTable(), new Date());
const { htmlPath } = await writeReport(folder, report);
console.log(htmlPath);
