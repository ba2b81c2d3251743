import { describe, expect, it } from 'vitest';
import { DDL_AUDIT_TABLE, DDL_INTERCEPT } from '#local/dataplane/ddl-capture';
import { type TestDatabase, usePostgres } from '#test/postgres';
import { parquetColumns, tableFiles } from './lake-queries.ts';
import { streamingTask } from './streaming-task.ts';

const postgres = usePostgres();

/** Column names of the newest CDC file of table `t`. */
const latestCdcColumns = async (lakeDir: string): Promise<string[]> => {
  const files = (await tableFiles(lakeDir, 't')).cdc;
  const latest = files.at(-1);
  if (!latest) throw new Error('no CDC file of t');
  return (await parquetColumns(latest)).map(([name]) => name);
};

const eventTriggers = async (db: TestDatabase): Promise<string[]> => {
  const client = await db.connect();
  return (await client.query<{ evtname: string }>('SELECT evtname FROM pg_event_trigger')).rows.map(
    (row) => row.evtname,
  );
};

describe('DDL capture on the source, as DMS does it', () => {
  it('creates the audit table and event trigger in DdlArtifactsSchema, records an ALTER TABLE there, and writes the added column from then on', async () => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query('CREATE SCHEMA dms_artifacts; CREATE TABLE t (id int PRIMARY KEY, v text)');
    await client.query(`INSERT INTO t VALUES (1, 'a')`);
    const task = await streamingTask(db, { postgreSqlSettings: { DdlArtifactsSchema: 'dms_artifacts' } });

    // Act
    await client.query('ALTER TABLE t ADD COLUMN extra integer');
    await client.query(`INSERT INTO t VALUES (2, 'b', 7)`);
    await task.written();
    const columns = await latestCdcColumns(task.lakeDir);
    const audit = await client.query<{ c_tag: string; c_schema: string; c_name: string; c_ddlqry: string }>(
      `SELECT c_tag, c_schema, c_name, c_ddlqry FROM dms_artifacts.${DDL_AUDIT_TABLE} ORDER BY c_key`,
    );
    await task.done();

    // Assess
    expect(await eventTriggers(db)).toEqual([DDL_INTERCEPT]);
    expect(audit.rows).toEqual([
      {
        c_tag: 'ALTER TABLE',
        c_schema: 'public',
        c_name: 't',
        c_ddlqry: 'ALTER TABLE t ADD COLUMN extra integer',
      },
    ]);
    expect(columns).toEqual(expect.arrayContaining(['id', 'v', 'extra']));
    // The audit table is DMS's, never a table of the lake.
    expect(await tableFiles(task.lakeDir, DDL_AUDIT_TABLE)).toEqual({ load: [], cdc: [] });
  });

  it.each([
    ['CaptureDdls is false', { postgreSqlSettings: { CaptureDdls: false } }, []],
    [
      'HandleSourceTableAltered is false',
      { ddlHandlingPolicy: { HandleSourceTableAltered: false } },
      [DDL_INTERCEPT],
    ],
  ] as const)('keeps an added column out of later files when %s', async (_case, settings, triggers) => {
    // Prepare
    const db = await postgres.createDatabase();
    const client = await db.connect();
    await client.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a')`);
    const task = await streamingTask(db, settings);

    // Act
    await client.query('ALTER TABLE t ADD COLUMN extra integer');
    await client.query(`INSERT INTO t VALUES (2, 'b', 7)`);
    await task.written();
    const columns = await latestCdcColumns(task.lakeDir);
    await task.done();

    // Assess
    expect(await eventTriggers(db)).toEqual(triggers);
    expect(columns).not.toContain('extra');
    expect(columns).toEqual(expect.arrayContaining(['id', 'v']));
  });
});
