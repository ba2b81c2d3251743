/**
 * The embedded server's TLS material: a self-signed certificate made at start-up, so that lakeshift's secure
 * default (`SslMode: require`) works locally with no plain-text fallback. Made in-process (no `openssl` binary).
 */
import { chown, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface ServerTlsFiles {
  readonly certificateFile: string;
  readonly keyFile: string;
  /** The certificate (PEM). Self-signed, so it is also the CA a `verify-ca`/`verify-full` client must trust. */
  readonly certificatePem: string;
}

/** Names the server answers to: the address it listens on, and `localhost`, so that `verify-full` can pass. */
const SERVER_NAMES = { dns: 'localhost', ip: '127.0.0.1' };
const VALID_DAYS = 365;
const DAY_MS = 86_400_000;
/** Tolerates a client clock slightly behind ours. */
const BACKDATE_MS = 5 * 60_000;

/** PostgreSQL's `ssl_cert_file`/`ssl_key_file` settings for these files. */
export const tlsServerFlags = (files: Pick<ServerTlsFiles, 'certificateFile' | 'keyFile'>): string[] => [
  '-c',
  'ssl=on',
  '-c',
  `ssl_cert_file=${files.certificateFile}`,
  '-c',
  `ssl_key_file=${files.keyFile}`,
];

/** Where `writeServerTls` puts the files inside `folder`. */
export const tlsFilesIn = (folder: string): Pick<ServerTlsFiles, 'certificateFile' | 'keyFile'> => ({
  certificateFile: join(folder, 'server.crt'),
  keyFile: join(folder, 'server.key'),
});

export interface SelfSignedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** A certificate for the names the embedded server answers to, signed by its own key (so it is its own CA). */
export const generateServerCertificate = async (): Promise<SelfSignedCertificate> => {
  const now = Date.now();
  // EC P-256: generated in milliseconds, where RSA 2048 takes a noticeable share of a server start.
  const pems = await generate([{ name: 'commonName', value: SERVER_NAMES.dns }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - BACKDATE_MS),
    notAfterDate: new Date(now + VALID_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: SERVER_NAMES.dns },
          { type: 7, ip: SERVER_NAMES.ip },
        ],
      },
    ],
  });
  return { certificatePem: pems.cert, privateKeyPem: pems.private };
};

/**
 * Generates a certificate and key into `folder`, owned by whoever owns `dataDirectory` (the OS user the server
 * runs as, `postgres` when we are root): PostgreSQL refuses a key that its own user cannot read or that others can.
 */
export const writeServerTls = async (folder: string, dataDirectory: string): Promise<ServerTlsFiles> => {
  const { certificatePem, privateKeyPem } = await generateServerCertificate();
  const files = tlsFilesIn(folder);
  const owner = await stat(dataDirectory);
  await writeFile(files.certificateFile, certificatePem, { mode: 0o644 });
  await writeFile(files.keyFile, privateKeyPem, { mode: 0o600 });
  await chown(files.certificateFile, owner.uid, owner.gid);
  await chown(files.keyFile, owner.uid, owner.gid);
  return { ...files, certificatePem };
};
