/**
 * `lakeshift`: one command line to run and watch a fleet. It talks to a deployed stack (the SDK's default
 * credentials and region, the stack found by name) or to the local AWS (`--endpoint-url`, or `AWS_ENDPOINT_URL`)
 * through the same code. `runCli` takes its arguments, environment and output streams as parameters so that
 * tests run it in process.
 */
import { parseArgs } from 'node:util';
import type { RetryRequest } from '#contracts/attempts';
import { LAKESHIFT_DETAIL_TYPES, type LakeshiftDetailType } from '#contracts/events';
import { DEFAULT_STACK_NAME } from '#contracts/stack-outputs';
import type { RegistryItem } from '#domain/registry-item';
import { compareCosts, roundUsd } from '#local/report/cost';
import { loadPriceTable, type PriceTable } from '#local/report/prices';
import { type Credentials, connect, type StackConnection } from './connection.ts';
import { CliUsageError, NothingToRetryError, UnknownMigrationError } from './errors.ts';
import { sendLakeshiftEvent } from './events.ts';
import { createFleetReader, type FleetReader, fleetStatusRows } from './fleet.ts';
import { quotaWarningsFor } from './quotas.ts';
import { renderHistory, renderStatusTable } from './render.ts';
import { planRequest, readRequestFile, renderPlan } from './request.ts';
import { classChangesOf, type StatusRow } from './status-model.ts';

export const USAGE = `Usage: lakeshift <command> [options]

Commands:
  status [migrationId]                       the fleet as a table (--json for scripts)
  watch [migrationId]                        the same, redrawn every --interval seconds (default 5)
  history <migrationId> <databaseId>         phases, resize decisions with their metrics, failures
  request <file> [--dry-run]                 validate a migration request and send it (--dry-run: print the plan)
  retry <migrationId> [databaseId...]        send Retry Requested (the FAILED databases when none is named)
  teardown <migrationId> [databaseId...]     send Teardown Requested (all databases when none is named)
  resync <migrationId> <databaseId> <schema.table>   reload one table while CDC goes on
  cost <migrationId>                         cost so far per database, against a fixed class and DMS Serverless

Options:
  --stack <name>          the lakeshift stack (default ${DEFAULT_STACK_NAME})
  --endpoint-url <url>    a local AWS (default: AWS_ENDPOINT_URL, else AWS itself)
  --region <region>       default: AWS_REGION or the profile's region
  --prices <file>         a price table override (see docs/demo.md)
  --json                  machine-readable output
  -h, --help              this text
`;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Epoch milliseconds; the local AWS's clock in tests. */
  readonly now: () => number;
  /** Explicit credentials (tests); the SDK's default provider chain otherwise. */
  readonly credentials?: Credentials;
  /** Waits between `watch` redraws. */
  readonly wait?: (ms: number) => Promise<void>;
}

const OPTIONS = {
  stack: { type: 'string' },
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
  prices: { type: 'string' },
  json: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  interval: { type: 'string' },
  count: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Invocation {
  readonly values: Values;
  readonly args: readonly string[];
  readonly io: CliIo;
  readonly prices: () => PriceTable;
  readonly connection: () => Promise<StackConnection>;
}

const required = (args: readonly string[], index: number, name: string, command: string): string => {
  const value = args[index];
  if (value === undefined || value === '')
    throw new CliUsageError(`${command}: missing <${name}> (see lakeshift --help)`);
  return value;
};

const positiveInteger = (text: string | undefined, option: string, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new CliUsageError(`--${option}: must be a positive whole number`);
  return value;
};

const withFleet = async <T>(invocation: Invocation, use: (fleet: FleetReader) => Promise<T>): Promise<T> => {
  const fleet = createFleetReader(await invocation.connection());
  try {
    return await use(fleet);
  } finally {
    fleet.close();
  }
};

const statusRows = (invocation: Invocation, fleet: FleetReader, migrationId?: string): Promise<StatusRow[]> =>
  fleetStatusRows(fleet, migrationId, invocation.io.now(), invocation.prices());

const status = (invocation: Invocation) =>
  withFleet(invocation, async (fleet) => {
    const rows = await statusRows(invocation, fleet, invocation.args[0]);
    invocation.io.stdout.write(
      invocation.values.json ? `${JSON.stringify({ databases: rows }, null, 2)}\n` : renderStatusTable(rows),
    );
  });

const CLEAR_SCREEN = '\x1b[2J\x1b[H';

const watch = (invocation: Invocation) =>
  withFleet(invocation, async (fleet) => {
    const intervalMs = positiveInteger(invocation.values.interval, 'interval', 5) * 1000;
    const rounds = positiveInteger(invocation.values.count, 'count', Number.MAX_SAFE_INTEGER);
    const wait =
      invocation.io.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let round = 0; round < rounds; round++) {
      const rows = await statusRows(invocation, fleet, invocation.args[0]);
      invocation.io.stdout.write(
        invocation.values.json
          ? `${JSON.stringify({ at: new Date(invocation.io.now()).toISOString(), databases: rows })}\n`
          : `${CLEAR_SCREEN}${renderStatusTable(rows)}`,
      );
      if (round + 1 < rounds) await wait(intervalMs);
    }
  });

const history = (invocation: Invocation) =>
  withFleet(invocation, async (fleet) => {
    const migrationId = required(invocation.args, 0, 'migrationId', 'history');
    const databaseId = required(invocation.args, 1, 'databaseId', 'history');
    const item = await fleet.registry.get({ migrationId, databaseId });
    if (!item) {
      throw new UnknownMigrationError(
        `no database ${databaseId} in migration ${migrationId}: \`lakeshift status ${migrationId}\` lists its databases`,
      );
    }
    invocation.io.stdout.write(
      invocation.values.json ? `${JSON.stringify(item, null, 2)}\n` : renderHistory(item),
    );
  });

const request = async (invocation: Invocation) => {
  const file = required(invocation.args, 0, 'file', 'request');
  const stackName = invocation.values.stack ?? DEFAULT_STACK_NAME;
  const planned = planRequest(await readRequestFile(file), stackName);
  if (invocation.values['dry-run']) {
    invocation.io.stdout.write(
      invocation.values.json
        ? `${JSON.stringify(planned, null, 2)}\n`
        : renderPlan(planned, invocation.prices()),
    );
    return;
  }
  const connection = await invocation.connection();
  const warnings = await withFleet(invocation, async (fleet) =>
    quotaWarningsFor(
      connection,
      planned.plans,
      await fleet.registry.listByMigration(planned.request.migrationId),
    ),
  );
  const eventId = await sendLakeshiftEvent(
    connection,
    LAKESHIFT_DETAIL_TYPES.migrationRequested,
    planned.request,
  );
  if (!invocation.values.json) {
    for (const warning of warnings) invocation.io.stderr.write(`warning: ${warning}\n`);
  }
  invocation.io.stdout.write(
    invocation.values.json
      ? `${JSON.stringify({ eventId, migrationId: planned.request.migrationId, ...(warnings.length > 0 ? { warnings } : {}) })}\n`
      : `sent Migration Requested for ${planned.request.migrationId} (${planned.plans.length} databases, event ${eventId}); follow it with \`lakeshift watch ${planned.request.migrationId}\`\n`,
  );
};

/** The named databases of a migration (each must exist), or those `fallback` picks when none is named. */
const databasesOf = (
  invocation: Invocation,
  command: string,
  fallback: (items: readonly RegistryItem[]) => readonly RegistryItem[] = (items) => items,
) =>
  withFleet(invocation, async (fleet) => {
    const migrationId = required(invocation.args, 0, 'migrationId', command);
    const items = await fleet.items(migrationId);
    const known = items.map((item) => item.databaseId);
    const named = invocation.args.slice(1);
    const unknown = named.filter((id) => !known.includes(id));
    if (unknown.length > 0) {
      throw new UnknownMigrationError(
        `migration ${migrationId} has no database ${unknown.join(', ')}; it has ${known.join(', ')}`,
      );
    }
    const chosen =
      named.length > 0 ? items.filter((item) => named.includes(item.databaseId)) : fallback(items);
    return { migrationId, items: chosen };
  });

/** Sends one of lakeshift's request events and says so. */
const send = async (
  invocation: Invocation,
  detailType: LakeshiftDetailType,
  detail: { readonly migrationId: string; readonly databaseIds: readonly string[] },
) => {
  const eventId = await sendLakeshiftEvent(await invocation.connection(), detailType, detail);
  invocation.io.stdout.write(
    invocation.values.json
      ? `${JSON.stringify({ eventId, ...detail })}\n`
      : `sent ${detailType} for ${detail.migrationId}: ${detail.databaseIds.join(', ')} (event ${eventId})\n`,
  );
};

const teardown = async (invocation: Invocation) => {
  const { migrationId, items } = await databasesOf(invocation, 'teardown');
  const detail = { migrationId, databaseIds: items.map((item) => item.databaseId) };
  await send(invocation, LAKESHIFT_DETAIL_TYPES.teardownRequested, detail);
};

/**
 * Retry names the attempt of each database it retries: a duplicate of the event, or a second `retry`, finds that
 * attempt retried already and starts nothing (docs/failure-semantics.md). Without names, the FAILED databases.
 */
const retry = async (invocation: Invocation) => {
  const { migrationId, items } = await databasesOf(invocation, 'retry', (all) =>
    all.filter((item) => item.phase === 'FAILED'),
  );
  if (items.length === 0) {
    throw new NothingToRetryError(`migration ${migrationId} has no FAILED database to retry`);
  }
  const detail = {
    migrationId,
    databaseIds: items.map((item) => item.databaseId),
    attempts: Object.fromEntries(items.map((item) => [item.databaseId, item.attempt])),
  } satisfies RetryRequest;
  await send(invocation, LAKESHIFT_DETAIL_TYPES.retryRequested, detail);
};

const TABLE_NAME = /^[^.\s]+\.[^.\s]+$/;

const resync = async (invocation: Invocation) => {
  const migrationId = required(invocation.args, 0, 'migrationId', 'resync');
  const databaseId = required(invocation.args, 1, 'databaseId', 'resync');
  const table = required(invocation.args, 2, 'schema.table', 'resync');
  if (!TABLE_NAME.test(table))
    throw new CliUsageError(`resync: <schema.table> must be schema.table, got ${table}`);
  const [schemaName, tableName] = table.split('.') as [string, string];
  await withFleet(invocation, async (fleet) => {
    const item = await fleet.registry.get({ migrationId, databaseId });
    if (!item) {
      throw new UnknownMigrationError(
        `no database ${databaseId} in migration ${migrationId}: \`lakeshift status ${migrationId}\` lists its databases`,
      );
    }
  });
  const detail = { migrationId, databaseId, schemaName, tableName };
  const eventId = await sendLakeshiftEvent(
    await invocation.connection(),
    LAKESHIFT_DETAIL_TYPES.tableResyncRequested,
    detail,
  );
  invocation.io.stdout.write(
    invocation.values.json
      ? `${JSON.stringify({ eventId, ...detail })}\n`
      : `sent ${LAKESHIFT_DETAIL_TYPES.tableResyncRequested} for ${migrationId}/${databaseId} ${table} (event ${eventId})\n`,
  );
};

const cost = (invocation: Invocation) =>
  withFleet(invocation, async (fleet) => {
    const migrationId = required(invocation.args, 0, 'migrationId', 'cost');
    const now = invocation.io.now();
    const prices = invocation.prices();
    const rows = (await fleet.items(migrationId)).map((item) => {
      const changes = classChangesOf(item);
      const endedAt = item.phase === 'DELETED' ? Date.parse(item.phaseChangedAt) : now;
      const comparison = compareCosts(
        { changes, endedAt: Math.max(endedAt, ...changes.map((change) => change.at)) },
        prices,
      );
      return {
        databaseId: item.databaseId,
        hours: Math.round(comparison.lakeshift.hours * 100) / 100,
        lakeshiftUsd: roundUsd(comparison.lakeshift.totalUsd),
        fixedClass: comparison.fixedInstanceClass,
        fixedClassUsd: roundUsd(comparison.fixedClass.totalUsd),
        serverlessEstimateUsd: roundUsd(comparison.serverless.usd),
      };
    });
    if (invocation.values.json) {
      invocation.io.stdout.write(
        `${JSON.stringify({ migrationId, priceTableDate: prices.date, databases: rows }, null, 2)}\n`,
      );
      return;
    }
    const lines = [`cost of ${migrationId} so far at on-demand prices of ${prices.date} (${prices.region})`];
    for (const row of rows) {
      lines.push(
        `  ${row.databaseId}: ${row.hours} h, lakeshift $${row.lakeshiftUsd.toFixed(2)}, fixed ${row.fixedClass} $${row.fixedClassUsd.toFixed(2)}, DMS Serverless ~$${row.serverlessEstimateUsd.toFixed(2)}`,
      );
    }
    invocation.io.stdout.write(`${lines.join('\n')}\n`);
  });

const COMMANDS: Readonly<Record<string, (invocation: Invocation) => Promise<void>>> = {
  status,
  watch,
  history,
  request,
  retry,
  teardown,
  resync,
  cost,
};

/** Runs one command; returns the exit code (0 done, 1 failed, 2 bad usage). Errors go to stderr as one line. */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new CliUsageError(`unknown command ${command} (see lakeshift --help)`);
    let connection: Promise<StackConnection> | undefined;
    let prices: PriceTable | undefined;
    await run({
      values,
      args,
      io,
      prices: () => {
        prices ??= loadPriceTable(values.prices);
        return prices;
      },
      connection: () => {
        connection ??= connect({
          stackName: values.stack ?? DEFAULT_STACK_NAME,
          endpoint: values['endpoint-url'] ?? io.env.AWS_ENDPOINT_URL,
          region: values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
          credentials: io.credentials,
        });
        return connection;
      },
    });
    return 0;
  } catch (error) {
    const usage = error instanceof CliUsageError || (error instanceof TypeError && 'code' in error);
    io.stderr.write(`lakeshift: ${error instanceof Error ? error.message : String(error)}\n`);
    return usage ? 2 : 1;
  }
};
