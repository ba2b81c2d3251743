/**
 * `npm run prices -- --region us-east-1 [--out prices-us-east-1.json]`: writes a price table (docs/prices.md) from
 * the AWS Price List API. Needs AWS credentials allowed `pricing:GetProducts`; pass the file to the demo with
 * `--prices <file>`.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fetchPriceTable } from '#local/report/fetch-prices';

const { values } = parseArgs({
  options: { region: { type: 'string', default: 'us-east-1' }, out: { type: 'string' } },
});
const region = values.region;
if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
  console.error(`--region: must be an AWS region such as us-east-1, got "${region}"`);
  process.exit(2);
}
const out = values.out ?? `prices-${region}.json`;
try {
  const table = await fetchPriceTable({ region, date: new Date().toISOString().slice(0, 10) });
  writeFileSync(out, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`wrote ${out}: ${Object.keys(table.instances).length} instance classes, ${table.source}`);
} catch (error) {
  console.error(`prices: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
}
