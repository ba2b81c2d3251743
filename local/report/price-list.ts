/**
 * A price table (docs/prices.md) from the AWS Price List API: the `PriceList` items GetProducts returns for service
 * code AWSDatabaseMigrationSvc in one region, each a JSON document with `product.attributes` and `terms.OnDemand`.
 * Only single-AZ replication instances priced per hour in USD are taken; storage and Serverless prices stay those
 * of the base table, and the table says so.
 */
import type { PriceTable } from './prices.ts';

export const DMS_SERVICE_CODE = 'AWSDatabaseMigrationSvc';

interface PriceDimension {
  readonly unit?: string;
  readonly pricePerUnit?: Readonly<Record<string, string>>;
}

interface PriceListItem {
  readonly product?: { readonly attributes?: Readonly<Record<string, string>> };
  readonly terms?: {
    readonly OnDemand?: Readonly<
      Record<string, { readonly priceDimensions?: Readonly<Record<string, PriceDimension>> }>
    >;
  };
  readonly publicationDate?: string;
}

/** A price list item that cannot be read; the message names the item and the field. */
export class PriceListError extends Error {
  override readonly name = 'PriceListError';
}

const parseItem = (text: string, index: number): PriceListItem => {
  try {
    return JSON.parse(text) as PriceListItem;
  } catch (error) {
    throw new PriceListError(`PriceList[${index}]: not JSON (${(error as Error).message})`);
  }
};

/** The hourly on-demand USD price of a single-AZ instance item, or undefined for any other product. */
const instanceHourly = (
  item: PriceListItem,
): { readonly instanceClass: string; readonly hourlyUsd: number } | undefined => {
  const attributes = item.product?.attributes ?? {};
  const instanceClass = attributes.instanceType;
  if (!instanceClass?.startsWith('dms.')) return undefined;
  if (attributes.deploymentOption !== undefined && attributes.deploymentOption !== 'Single-AZ')
    return undefined;
  const dimensions = Object.values(item.terms?.OnDemand ?? {}).flatMap((term) =>
    Object.values(term.priceDimensions ?? {}),
  );
  const hourly = dimensions.find((dimension) => dimension.unit === 'Hrs' && dimension.pricePerUnit?.USD);
  const hourlyUsd = Number(hourly?.pricePerUnit?.USD);
  return Number.isFinite(hourlyUsd) && hourlyUsd > 0 ? { instanceClass, hourlyUsd } : undefined;
};

export const priceTableFromPriceList = (
  priceList: readonly string[],
  options: { readonly region: string; readonly date: string; readonly base: PriceTable },
): PriceTable => {
  const items = priceList.map(parseItem);
  const instances: Record<string, { hourlyUsd: number; basis: string }> = {};
  for (const item of items) {
    const price = instanceHourly(item);
    if (!price) continue;
    const previous = instances[price.instanceClass];
    // Two single-AZ items for one class (e.g. engine variants): the higher price is the safer estimate.
    if (previous === undefined || price.hourlyUsd > previous.hourlyUsd) {
      instances[price.instanceClass] = {
        hourlyUsd: price.hourlyUsd,
        basis: `AWS Price List API, ${DMS_SERVICE_CODE}, ${options.region}, on-demand Single-AZ`,
      };
    }
  }
  if (Object.keys(instances).length === 0) {
    throw new PriceListError(
      `PriceList: no single-AZ replication instance with an hourly USD on-demand price among ${items.length} products for ${options.region}`,
    );
  }
  const published = items
    .map((item) => item.publicationDate)
    .filter((value): value is string => typeof value === 'string')
    .sort()
    .at(-1);
  return {
    ...options.base,
    description: `AWS DMS on-demand prices for ${options.region} from the AWS Price List API.`,
    date: options.date,
    region: options.region,
    source: `AWS Price List API (pricing:GetProducts, ${DMS_SERVICE_CODE}, ${options.region}${published ? `, published ${published}` : ''}), fetched ${options.date}`,
    verified: true,
    caveat: `Instance prices from the AWS Price List API on ${options.date}. Storage and DMS Serverless figures are still the shipped example's (${options.base.date}); check them before relying on them.`,
    instances,
  };
};
