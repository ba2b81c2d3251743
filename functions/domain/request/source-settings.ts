/** Source endpoint settings a request chooses and the plan carries to DMS as chosen. */
import * as z from 'zod';

/** `none` is refused: lakeshift always talks TLS to the source (secure by default). */
export const sslModeSchema = z.enum(['require', 'verify-ca', 'verify-full'], {
  error:
    "must be 'require', 'verify-ca' or 'verify-full' ('none' is refused: the source connection is always TLS)",
});

export const pluginNameSchema = z.enum(['test-decoding', 'pglogical', 'no-preference']);
