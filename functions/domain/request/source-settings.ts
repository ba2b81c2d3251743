/** Source endpoint settings a request chooses and the plan carries to DMS as chosen. */
import * as z from 'zod';

/** TLS to the source by default; plain text only per database, and only acknowledged (see the request schema). */
export const sslModeSchema = z.enum(['require', 'verify-ca', 'verify-full'], {
  error:
    "must be 'require', 'verify-ca' or 'verify-full' (plain text, 'none', is chosen per database with acknowledgePlainText)",
});

export const databaseSslModeSchema = z.enum(['none', 'require', 'verify-ca', 'verify-full'], {
  error: "must be 'none', 'require', 'verify-ca' or 'verify-full'",
});

export const pluginNameSchema = z.enum(['test-decoding', 'pglogical', 'no-preference']);
