import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchPriceTable } from '#local/report/fetch-prices';
import { PriceListError } from '#local/report/price-list';
import { parsePriceTable } from '#local/report/prices';

const pricing = mockClient(PricingClient);

beforeEach(() => {
  pricing.reset();
});

/**
 * One `PriceList` item as GetProducts returns it (a JSON string): the product with its attributes, and the
 * on-demand terms with their price dimensions, in the Price List API's `aws_v1` layout.
 */
const item = (attributes: Record<string, string>, usd: string, unit = 'Hrs'): string =>
  JSON.stringify({
    product: { productFamily: 'Database Migration', attributes, sku: `SKU${attributes.instanceType ?? 'X'}` },
    serviceCode: 'AWSDatabaseMigrationSvc',
    terms: {
      OnDemand: {
        'SKU.JRTCKXETXF': {
          priceDimensions: {
            'SKU.JRTCKXETXF.6YS6EN2CT7': {
              unit,
              endRange: 'Inf',
              description: 'per hour',
              appliesTo: [],
              rateCode: 'SKU.JRTCKXETXF.6YS6EN2CT7',
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku: 'SKU',
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  });

const instance = (instanceType: string, deploymentOption: string, usd: string) =>
  item(
    { instanceType, deploymentOption, regionCode: 'eu-west-1', servicecode: 'AWSDatabaseMigrationSvc' },
    usd,
  );

describe('fetchPriceTable', () => {
  it('reads every page of GetProducts for the region and keeps single-AZ hourly instance prices', async () => {
    // Prepare
    pricing
      .on(GetProductsCommand)
      .resolvesOnce({
        FormatVersion: 'aws_v1',
        PriceList: [
          instance('dms.r5.large', 'Single-AZ', '0.2100000000'),
          instance('dms.r5.large', 'Multi-AZ', '0.4200000000'),
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        FormatVersion: 'aws_v1',
        PriceList: [
          instance('dms.t3.medium', 'Single-AZ', '0.0800000000'),
          item({ storageMedia: 'SSD', regionCode: 'eu-west-1' }, '0.1270000000', 'GB-Mo'),
        ],
      });

    // Act
    const table = await fetchPriceTable({
      region: 'eu-west-1',
      date: '2026-12-04',
      client: new PricingClient({ region: 'us-east-1' }),
    });

    // Assess
    expect(table.instances).toEqual({
      'dms.r5.large': {
        hourlyUsd: 0.21,
        basis: 'AWS Price List API, AWSDatabaseMigrationSvc, eu-west-1, on-demand Single-AZ',
      },
      'dms.t3.medium': {
        hourlyUsd: 0.08,
        basis: 'AWS Price List API, AWSDatabaseMigrationSvc, eu-west-1, on-demand Single-AZ',
      },
    });
    expect(table).toMatchObject({ region: 'eu-west-1', date: '2026-12-04', verified: true });
    expect(table.source).toBe(
      'AWS Price List API (pricing:GetProducts, AWSDatabaseMigrationSvc, eu-west-1, published 2026-11-01T00:00:00Z), fetched 2026-12-04',
    );
    expect(parsePriceTable(JSON.parse(JSON.stringify(table)))).toEqual(table);
    const calls = pricing.commandCalls(GetProductsCommand).map((call) => call.args[0].input);
    expect(calls).toEqual([
      expect.objectContaining({
        ServiceCode: 'AWSDatabaseMigrationSvc',
        Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' }],
      }),
      expect.objectContaining({ NextToken: 'page-2' }),
    ]);
  });

  it('refuses a price list with no instance price, writing nothing', async () => {
    // Prepare
    pricing.on(GetProductsCommand).resolves({ PriceList: [] });

    // Act
    const fetching = fetchPriceTable({
      region: 'eu-west-1',
      date: '2026-12-04',
      client: new PricingClient({ region: 'us-east-1' }),
    });

    // Assess
    await expect(fetching).rejects.toThrow(PriceListError);
  });
});
