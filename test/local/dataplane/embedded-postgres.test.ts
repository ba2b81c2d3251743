import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { usePostgres } from '#test/postgres';

const pg = usePostgres();

describe('embedded PostgreSQL', () => {
  it('runs with logical decoding enabled and hands out separate databases', async () => {
    // Prepare
    const first = await pg.createDatabase();
    const second = await pg.createDatabase();
    const client = await first.connect();

    // Act
    const walLevel = await client.query<{ wal_level: string }>('SHOW wal_level');
    const slots = await client.query<{ max_replication_slots: string }>('SHOW max_replication_slots');

    // Assess
    expect(walLevel.rows[0]?.wal_level).toBe('logical');
    expect(slots.rows[0]?.max_replication_slots).toBe('20');
    expect(first.name).not.toBe(second.name);
    expect(first.url).toContain(`/${first.name}`);
  });

  it('serves TLS with a self-signed certificate for the address it listens on, exposed as its CA', async () => {
    // Prepare
    const db = await pg.createDatabase();
    const client = await db.connect();

    // Act
    const ssl = await client.query<{ ssl: string }>('SHOW ssl');
    const certificate = new X509Certificate(pg.server().caCertificatePem ?? '');

    // Assess
    expect(ssl.rows[0]?.ssl).toBe('on');
    expect(certificate.ca).toBe(true);
    expect(certificate.checkIssued(certificate)).toBe(true);
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
  });
});
