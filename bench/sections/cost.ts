/**
 * `cost`: the reference scenario (one database, 24 h of full load on dms.r5.xlarge, then 30 days of CDC on the
 * class `auto` chooses from the emulated peak of the reference workload, `reference-peak.ts`) priced with the price
 * table (the shipped example, or `LAKESHIFT_PRICES=<file>` laid over it), by the same code as the demo report.
 */
import { DEFAULT_FULL_LOAD_CLASS, DEFAULT_LADDER } from '#domain/instance-classes';
import { AUTO_STEADY_CLASS, mergeResizeLayers } from '#domain/request/resize-settings';
import { stepDownTarget } from '#domain/resize/step-down-target';
import { type ReferenceScenarioCost, referenceScenario } from '#local/report/cost';
import { loadPriceTable } from '#local/report/prices';
import { referencePeak } from '#local/report/reference-peak';

interface CostResult extends ReferenceScenarioCost {
  readonly reason: string;
  readonly priceSource: string;
}

/** The class `auto` steps down to after the full load, with a request's other settings at their defaults. */
const autoStepDown = () =>
  stepDownTarget(
    DEFAULT_FULL_LOAD_CLASS,
    { ...mergeResizeLayers([], DEFAULT_LADDER, DEFAULT_FULL_LOAD_CLASS), steadyClass: AUTO_STEADY_CLASS },
    referencePeak(),
  );

export default {
  title:
    'Cost: 24 h full load on dms.r5.xlarge, then 30 days of CDC on the class auto chose from emulated peaks',
  key: 'cost',
  run: async (): Promise<CostResult> => {
    const prices = loadPriceTable(process.env.LAKESHIFT_PRICES);
    const stepDown = autoStepDown();
    return {
      ...referenceScenario(prices, stepDown.targetClass),
      reason: stepDown.reason,
      priceSource: prices.source,
    };
  },
  format: (result: unknown): string[] => {
    const cost = result as CostResult;
    const saved = cost.fixedClassUsd - cost.lakeshiftUsd;
    const line = (label: string, value: string) => `${label.padEnd(34)} ${value}`;
    return [
      line(`fixed ${DEFAULT_FULL_LOAD_CLASS}:`, `$${cost.fixedClassUsd.toFixed(2)}`),
      line(
        `lakeshift (steady ${cost.steadyClass}):`,
        `$${cost.lakeshiftUsd.toFixed(2)} (saves $${saved.toFixed(2)}, ${((100 * saved) / cost.fixedClassUsd).toFixed(0)}%)`,
      ),
      line('DMS Serverless estimate:', `$${cost.serverlessEstimateUsd.toFixed(2)}`),
      line('auto chose:', cost.reason),
      line('price table:', `${cost.priceTableDate}, ${cost.priceSource}`),
    ];
  },
};
