/**
 * A real local DynamoDB (dynalite, in memory) on 127.0.0.1 and a free port, with the registry table created from
 * the key schema contract.
 *
 *   const dynamo = useDynalite();                 // at the top of a test file: starts in beforeAll, stops in afterAll
 *   const table = await dynamo.createRegistryTable(); // in a test: a fresh, empty table name
 *   const registry = createRegistry({ tableName: table, client: dynamo.documentClient() });
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DOCUMENT_CLIENT_OPTIONS } from '#adapters/clients';
import { registryTableInput } from '#adapters/registry-table';

type DynaliteFactory = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

export interface RunningDynalite {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Creates the registry table (ACTIVE at once) under `name`, or a fresh unique name; returns the name. */
  createRegistryTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

export const startDynalite = async (): Promise<RunningDynalite> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const documentClient = DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_OPTIONS);
  return {
    endpoint,
    client,
    documentClient,
    createRegistryTable: async (name = `registry-${randomBytes(4).toString('hex')}`) => {
      await client.send(new CreateTableCommand(registryTableInput(name)));
      return name;
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export interface DynaliteHarness {
  /** The running dynalite (throws if used outside a test). */
  server(): RunningDynalite;
  documentClient(): DynamoDBDocumentClient;
  createRegistryTable(name?: string): Promise<string>;
}

export const useDynalite = (): DynaliteHarness => {
  let running: RunningDynalite | undefined;
  beforeAll(async () => {
    running = await startDynalite();
  });
  afterAll(async () => {
    await running?.stop();
    running = undefined;
  });
  const server = (): RunningDynalite => {
    if (!running) throw new Error('useDynalite: dynalite is not running (call it at the top of a test file)');
    return running;
  };
  return {
    server,
    documentClient: () => server().documentClient,
    createRegistryTable: (name) => server().createRegistryTable(name),
  };
};
