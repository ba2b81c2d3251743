import { describe, expect, it } from 'vitest';
import { readToastExposure } from '#adapters/postgres-toast';
import { unchangedToastWarnings } from '#domain/planner/toast-warnings';
import { credentialsOf, usePostgres } from '#test/postgres';

const postgres = usePostgres();

describe('readToastExposure', () => {
  it('reads replica identity, out-of-line storage and the columns that can be stored out of line, table by table', async () => {
    // Prepare
    const db = await postgres.createDatabase('toast');
    const client = await db.connect();
    // About 64 KB of incompressible text is stored out of line.
    const large = `(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 2000) g)`;
    await client.query(`CREATE TABLE documents (id int PRIMARY KEY, title varchar(20), body text, meta jsonb);
      CREATE TABLE kept (id int PRIMARY KEY, body text); ALTER TABLE kept REPLICA IDENTITY FULL;
      CREATE TABLE small (id int PRIMARY KEY, note text, raw bytea);
      CREATE TABLE numbers (id int PRIMARY KEY, n bigint);
      INSERT INTO documents VALUES (1, 't', ${large}, '{}'); INSERT INTO kept VALUES (1, ${large});
      INSERT INTO small VALUES (1, 'short', '\\x01'); INSERT INTO numbers VALUES (1, 2)`);

    // Act
    const exposure = await readToastExposure({
      credentials: credentialsOf(db),
      sslMode: 'require',
    });

    // Assess
    expect(exposure).toEqual([
      {
        schema: 'public',
        table: 'documents',
        replicaIdentity: 'd',
        storesValuesOutOfLine: true,
        outOfLineColumns: [
          { name: 'title', type: 'character varying(20)' },
          { name: 'body', type: 'text' },
          { name: 'meta', type: 'jsonb' },
        ],
      },
      {
        schema: 'public',
        table: 'kept',
        replicaIdentity: 'f',
        storesValuesOutOfLine: true,
        outOfLineColumns: [{ name: 'body', type: 'text' }],
      },
      {
        schema: 'public',
        table: 'numbers',
        replicaIdentity: 'd',
        storesValuesOutOfLine: false,
        outOfLineColumns: [],
      },
      {
        schema: 'public',
        table: 'small',
        replicaIdentity: 'd',
        storesValuesOutOfLine: false,
        outOfLineColumns: [
          { name: 'note', type: 'text' },
          { name: 'raw', type: 'bytea' },
        ],
      },
    ]);
    expect(unchangedToastWarnings(exposure).map((warning) => warning.table)).toEqual(['public.documents']);
  });
});
