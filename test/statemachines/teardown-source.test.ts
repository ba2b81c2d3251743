import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PHASES } from '#contracts/phases';
import { usePostgres } from '#test/postgres';
import { expectNoReplicationSlots } from '#test/replication-slots';
import { keyOf, planFor } from '../unit/handlers/fixtures.ts';
import { START, useStateMachineWorld } from './world.ts';

// The worse case DMS allows for: the task's deletion left its slot on the source (the local DMS's own deletion
// drops it, as the user guide says; its tests cover that). The real drop-replication-slot reaches a real server.
const world = useStateMachineWorld({ realSlotHandlers: true });
const postgres = usePostgres();
const secrets = mockClient(SecretsManagerClient);
// Every request of these tests names this database (fixtures: `<databaseId>_db`).
const DATABASE = 'orders_db';

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: postgres.server().url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
});

beforeEach(() => {
  const server = postgres.server();
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({
      host: server.host,
      port: server.port,
      username: server.user,
      password: server.password,
      dbname: DATABASE,
    }),
  });
});

/** A logical slot on the source database, as DMS creates it when the task first starts. */
const createSlot = async (name: string): Promise<void> => {
  const client = new pg.Client({ connectionString: postgres.server().urlFor(DATABASE) });
  await client.connect();
  await client.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [name]);
  await client.end();
};

describe('State machine: teardown, against a real source', () => {
  it.each(PHASES.filter((phase) => phase !== 'TEARING_DOWN' && phase !== 'DELETED'))(
    'leaves no replication slot on the server after a teardown from %s',
    async (phase) => {
      // Prepare: from FULL_LOAD on, the task started, its slot exists and lakeshift recorded it.
      const migrationId = `real-${phase.toLowerCase().replaceAll('_', '-')}`;
      const plan = planFor(migrationId, 'orders');
      const now = new Date(START).toISOString();
      await world.seed(plan, phase);
      if (phase !== 'REQUESTED') {
        const arns = world.dms.provisioned(plan.identifiers, 'dms.r5.large');
        await world.registry().update(keyOf(plan), arns, { now });
      }
      const slotName = `dms_${phase.toLowerCase()}_slot`;
      const started = !['REQUESTED', 'PROVISIONING'].includes(phase);
      if (started) {
        await createSlot(slotName);
        await world
          .registry()
          .update(keyOf(plan), { replicationSlot: { name: slotName, recordedAt: now } }, { now });
      }
      // Act
      const outcome = await world.run('teardown', { migrationId, databaseIds: ['orders'] });
      // Assess
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { statuses: ['DELETED'] } });
      await expectNoReplicationSlots(postgres.server().url);
    },
  );
});
