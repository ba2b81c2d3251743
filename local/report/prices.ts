/**
 * Price tables (format in docs/prices.md): the shipped example (`price-table.json`, not AWS's prices, see its
 * `source` and `caveat`), a table written by `npm run prices` from the AWS Price List API, and the user's override
 * file (`--prices <file>`): same shape, every field optional except `date`; entries given replace the defaults.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const instancePriceSchema = z.object({
  hourlyUsd: z.number().nonnegative(),
  basis: z.string().optional(),
});

const storageSchema = z.object({
  gbMonthUsd: z.number().nonnegative(),
  includedGb: z.number().nonnegative(),
  basis: z.string().optional(),
});

const serverlessSchema = z.object({
  dcuHourUsd: z.number().nonnegative(),
  basis: z.string().optional(),
  gibPerDcu: z.number().positive(),
  validDcus: z.array(z.number().positive()).min(1),
  scaleDownLagHours: z.number().nonnegative(),
  assumption: z.string().optional(),
});

const isoDate = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

/** Prices per class; keys are checked here so that a bad key and a bad price are both reported. */
const instancePricesSchema = z.record(z.string(), instancePriceSchema).superRefine((prices, ctx) => {
  for (const key of Object.keys(prices)) {
    if (!key.startsWith('dms.')) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'must be a class name starting with dms.' });
    }
  }
});

const priceTableSchema = z.object({
  description: z.string().optional(),
  date: isoDate,
  region: z.string().min(1),
  currency: z.literal('USD'),
  pricing: z.string().optional(),
  /** Where the prices come from; the report and the cost bench print it. */
  source: z.string().min(1),
  verified: z.boolean(),
  caveat: z.string().optional(),
  hoursPerMonth: z.number().positive(),
  instances: instancePricesSchema,
  storage: storageSchema,
  serverless: serverlessSchema,
});

const priceOverrideSchema = z.object({
  description: z.string().optional(),
  date: isoDate,
  region: z.string().min(1).optional(),
  currency: z.literal('USD').optional(),
  pricing: z.string().optional(),
  source: z.string().min(1).optional(),
  verified: z.boolean().optional(),
  caveat: z.string().optional(),
  hoursPerMonth: z.number().positive().optional(),
  instances: instancePricesSchema.optional(),
  storage: storageSchema.partial().optional(),
  serverless: serverlessSchema.partial().optional(),
});

export type PriceTable = z.infer<typeof priceTableSchema>;
export type PriceOverride = z.infer<typeof priceOverrideSchema>;

/** A price table or override that cannot be used; the message names the file, every bad field and its rule. */
export class PriceTableError extends Error {
  override readonly name = 'PriceTableError';
}

const describeIssues = (source: string, error: z.ZodError): string =>
  `${source} is not a valid price table: ${error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ')}`;

const readJson = (path: string | URL): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PriceTableError(`cannot read price file ${String(path)}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`price file ${String(path)} is not JSON: ${(error as Error).message}`);
  }
};

export const parsePriceTable = (value: unknown, source = 'price table'): PriceTable => {
  const parsed = priceTableSchema.safeParse(value);
  if (!parsed.success) throw new PriceTableError(describeIssues(source, parsed.error));
  return parsed.data;
};

export const parsePriceOverride = (value: unknown, source = 'price override'): PriceOverride => {
  const parsed = priceOverrideSchema.safeParse(value);
  if (!parsed.success) throw new PriceTableError(describeIssues(source, parsed.error));
  return parsed.data;
};

/** The shipped table. Read on each call so a test or a long-running demo never shares a mutated copy. */
export const defaultPriceTable = (): PriceTable =>
  parsePriceTable(readJson(new URL('./price-table.json', import.meta.url)), 'price-table.json');

/** Lays an override over a table: scalar fields replace, instance entries replace per class, the rest is kept. */
export const applyPriceOverride = (table: PriceTable, override: PriceOverride): PriceTable => ({
  ...table,
  ...(override.description === undefined ? {} : { description: override.description }),
  date: override.date,
  region: override.region ?? table.region,
  pricing: override.pricing ?? table.pricing,
  source: override.source ?? `user file of ${override.date} laid over: ${table.source}`,
  // An override is the user's own figures: unverified unless they say so.
  verified: override.verified ?? false,
  caveat: override.caveat ?? `Prices of ${override.date} from a user file, laid over the shipped table.`,
  hoursPerMonth: override.hoursPerMonth ?? table.hoursPerMonth,
  instances: { ...table.instances, ...override.instances },
  storage: { ...table.storage, ...override.storage },
  serverless: { ...table.serverless, ...override.serverless },
});

/** The shipped table, or the shipped table with the user's file (`--prices <file>`) laid over it. */
export const loadPriceTable = (overridePath?: string): PriceTable => {
  const table = defaultPriceTable();
  if (overridePath === undefined) return table;
  return applyPriceOverride(table, parsePriceOverride(readJson(overridePath), overridePath));
};

/** Hourly on-demand price of a class; a class the table does not price is an error, never a silent zero. */
export const hourlyPrice = (table: PriceTable, instanceClass: string): number => {
  const entry = table.instances[instanceClass];
  if (entry === undefined) {
    throw new PriceTableError(
      `instances.${instanceClass}: the price table (${table.date}) has no price for it`,
    );
  }
  return entry.hourlyUsd;
};
