/**
 * A source endpoint's `SslMode` (docs/dms-behaviour.md §6.1) as node-postgres TLS options, read as libpq
 * reads it, and TLS failures worded so that they name the mode. Shared by the control plane (slot drop at
 * teardown) and the local data plane, so that both reach a source the same way.
 */
import type pg from 'pg';

/** The endpoint's `SslMode`, or `none` for a source without TLS. */
export type PostgresSslMode = 'none' | 'require' | 'verify-ca' | 'verify-full';

export const POSTGRES_SSL_MODES: readonly PostgresSslMode[] = ['none', 'require', 'verify-ca', 'verify-full'];

/**
 * `trustedCa`: PEM certificates that `verify-ca`/`verify-full` accept as the server's CA (DMS takes them from the
 * endpoint's `CertificateArn`); the system's trusted CAs when absent. `require` never checks the certificate.
 */
export const tlsOptionsFor = (mode: PostgresSslMode, trustedCa?: string): pg.ClientConfig['ssl'] => {
  const ca = trustedCa === undefined ? {} : { ca: trustedCa };
  switch (mode) {
    case 'none':
      return false;
    case 'require':
      // libpq `require`: encrypted, certificate not checked.
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // Chain checked; host name not compared, as libpq's verify-ca.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...ca };
    case 'verify-full':
      return { rejectUnauthorized: true, ...ca };
  }
};

/** What to do about a server without TLS: lakeshift never falls back to plain text by itself. */
export const PLAIN_TEXT_CHOICE =
  "enable TLS on the server, or, to connect in plain text, choose sslMode 'none' with acknowledgePlainText: true for this database";

/** node-postgres's words when the server answers the SSL request with "no". */
const SERVER_WITHOUT_TLS = 'The server does not support SSL connections';
/** Node's code when the certificate does not name the host (verify-full only). */
const HOST_MISMATCH = 'ERR_TLS_CERT_ALTNAME_INVALID';
/** Node's TLS and OpenSSL certificate-verification error codes. */
const TLS_ERROR_CODE = /^ERR_TLS_|^ERR_SSL_|^EPROTO$|CERT|SELF_SIGNED|^UNABLE_TO_/;

/** The `code` of a Node or PostgreSQL error (a SQLSTATE, `ECONNREFUSED`, `ERR_TLS_…`), if it has one. */
export const errorCodeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const verificationHint = (mode: PostgresSslMode, code: string): string => {
  if (mode === 'require') return '';
  if (code === HOST_MISMATCH) {
    return ' (verify-full also checks that the certificate names the host: connect by a name it lists)';
  }
  return ` (${mode} checks the server certificate against the trusted CA certificates: give the CA that signed it)`;
};

/**
 * The reason a connection failed at its TLS step, naming the SslMode (libpq's wording where it has one), or
 * undefined when the failure was not about TLS.
 */
export const tlsFailureReason = (error: unknown, mode: PostgresSslMode): string | undefined => {
  if (mode === 'none') return undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes(SERVER_WITHOUT_TLS)) {
    return `SslMode ${mode}: server does not support SSL, but SSL was required (${PLAIN_TEXT_CHOICE})`;
  }
  const code = errorCodeOf(error);
  if (code === undefined || !TLS_ERROR_CODE.test(code)) return undefined;
  return `SslMode ${mode}: SSL error: ${message} [${code}]${verificationHint(mode, code)}`;
};
