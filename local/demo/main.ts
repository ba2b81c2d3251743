/** `npm run demo`: a whole migration on one machine, verified, with a report. Exits 1 when verification fails. */
import '../runtime/polyfills.ts';
import { PriceTableError } from '../report/prices.ts';
import { DemoOptionsError, parseDemoOptions, USAGE } from './options.ts';
import { runDemo } from './run.ts';

// The SDK warns on Node 20 about versions it will publish next year; on the demo's console that is only noise.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const main = async (): Promise<number> => {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof DemoOptionsError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  try {
    const result = await runDemo(options, {
      out: process.stdout,
      isTty: process.stdout.isTTY === true,
      ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
    });
    return result.exitCode;
  } catch (error) {
    // A bad price file is the user's input: its message names the field; a stack would only hide it.
    if (error instanceof PriceTableError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
