/**
 * Fetches DMS on-demand prices for one region with `pricing:GetProducts` (every page) and builds a price table
 * from them. The Price List API answers in a few regions only; us-east-1 serves every region's prices.
 */
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { DMS_SERVICE_CODE, priceTableFromPriceList } from './price-list.ts';
import { defaultPriceTable, type PriceTable } from './prices.ts';

const PRICE_LIST_API_REGION = 'us-east-1';

/** The part of PricingClient this uses, so a test can hand in a fake. */
export interface GetProductsClient {
  send(command: GetProductsCommand): Promise<{ PriceList?: string[]; NextToken?: string }>;
}

export const fetchPriceList = async (client: GetProductsClient, region: string): Promise<string[]> => {
  const items: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetProductsCommand({
        ServiceCode: DMS_SERVICE_CODE,
        Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }],
        FormatVersion: 'aws_v1',
        NextToken: nextToken,
      }),
    );
    items.push(...(page.PriceList ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return items;
};

export const fetchPriceTable = async (options: {
  readonly region: string;
  readonly date: string;
  readonly client?: GetProductsClient;
}): Promise<PriceTable> => {
  const client = options.client ?? new PricingClient({ region: PRICE_LIST_API_REGION });
  const priceList = await fetchPriceList(client, options.region);
  return priceTableFromPriceList(priceList, {
    region: options.region,
    date: options.date,
    base: defaultPriceTable(),
  });
};
