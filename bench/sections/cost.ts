/**
 * `cost`: the reference scenario (one database, 24 h of full load on dms.r5.xlarge, then 30 days of CDC on the
 * steady class) priced with the shipped, dated price table, by the same code as the demo report's cost table.
 */
import { DEFAULT_FULL_LOAD_CLASS, DEFAULT_LADDER } from '#domain/instance-classes';
import { mergeResizeLayers } from '#domain/request/resize-settings';
import { stepDownTarget } from '#domain/resize/step-down-target';
import { type ReferenceScenarioCost, referenceScenario } from '#local/report/cost';
import { defaultPriceTable } from '#local/report/prices';

/** The class the resize policy steps down to after the full load, with a request's default settings. */
const steadyClass = (): string =>
  stepDownTarget(DEFAULT_FULL_LOAD_CLASS, mergeResizeLayers([], DEFAULT_LADDER, DEFAULT_FULL_LOAD_CLASS))
    .targetClass;

export default {
  title:
    'Cost: 24 h full load on dms.r5.xlarge, then 30 days of CDC (us-east-1 on-demand, unverified prices)',
  key: 'cost',
  run: async (): Promise<ReferenceScenarioCost> => referenceScenario(defaultPriceTable(), steadyClass()),
  format: (result: unknown): string[] => {
    const cost = result as ReferenceScenarioCost;
    const saved = cost.fixedClassUsd - cost.lakeshiftUsd;
    const line = (label: string, value: string) => `${label.padEnd(34)} ${value}`;
    return [
      line(`fixed ${DEFAULT_FULL_LOAD_CLASS}:`, `$${cost.fixedClassUsd.toFixed(2)}`),
      line(
        `lakeshift (steady ${cost.steadyClass}):`,
        `$${cost.lakeshiftUsd.toFixed(2)} (saves $${saved.toFixed(2)}, ${((100 * saved) / cost.fixedClassUsd).toFixed(0)}%)`,
      ),
      line('DMS Serverless estimate:', `$${cost.serverlessEstimateUsd.toFixed(2)}`),
      line('price table date:', `${cost.priceTableDate} (placeholders, see local/report/price-table.json)`),
    ];
  },
};
