/**
 * `npm run local -- --port <n> [--clock-speed <x>] [--state-dir <dir>] [--lake-dir <dir>] [--log-level <level>]`:
 * starts the local AWS on 127.0.0.1, applies lakeshift's stack, prints the endpoint, and runs until interrupted.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CLOCK_SPEED } from '../local/aws/index.ts';
import { startLocalLakeshift } from '../local/local-lakeshift.ts';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USAGE =
  'usage: npm run local -- [--port <n>] [--clock-speed <x>] [--state-dir <dir>] [--lake-dir <dir>] [--log-level <level>]';

const positiveNumber = (flag: string, value: string | undefined, integer: boolean): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(
      `--${flag} must be a ${integer ? 'whole ' : ''}number >= 0, got "${value}"\n${USAGE}`,
    );
  }
  return number;
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'clock-speed': { type: 'string' },
      'state-dir': { type: 'string' },
      'lake-dir': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = positiveNumber('port', values.port, true);
  const clockSpeed = positiveNumber('clock-speed', values['clock-speed'], false);
  if (clockSpeed === 0) throw new UsageError(`--clock-speed must be > 0\n${USAGE}`);
  const aws = await startLocalLakeshift({
    port,
    clockSpeed,
    stateDir: values['state-dir'],
    lakeDir: values['lake-dir'],
    handlerLogLevel: values['log-level'],
  });
  console.log(`lakeshift local AWS ready at ${aws.endpoint} (clock ${clockSpeed ?? DEFAULT_CLOCK_SPEED}x)`);
  console.log(`  export AWS_ENDPOINT_URL=${aws.endpoint} AWS_REGION=${aws.region}`);
  console.log(
    `  event bus: ${aws.stack.eventBusName}; state machines: ${Object.values(aws.stack.stateMachineNames).join(', ')}`,
  );
  const shutdown = () => {
    void aws.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(error instanceof UsageError ? 2 : 1);
});
