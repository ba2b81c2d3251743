/**
 * `npm run local:dms -- --port <n> [--clock-speed <x>] [--state-dir <dir>] [--seed <s>] [--log-events]`: serves the
 * DMS emulator alone on 127.0.0.1 (synthetic workload behind every task) and prints its endpoint URL when ready.
 */
import { parseArgs } from 'node:util';
import { ScaledClock } from '../local/clock.ts';
import { createDmsEmulator } from '../local/dms/index.ts';
import { createAwsServer, listen } from '../local/http/server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'clock-speed': { type: 'string', default: '60' },
    'state-dir': { type: 'string' },
    seed: { type: 'string' },
    'log-events': { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
const speed = Number(values['clock-speed']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer between 0 and 65535, got ${values.port}`);
  process.exit(2);
}
if (!(speed > 0)) {
  console.error(`--clock-speed must be a number greater than 0, got ${values['clock-speed']}`);
  process.exit(2);
}

const emulator = createDmsEmulator({
  clock: new ScaledClock(speed),
  ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
  ...(values.seed ? { seed: values.seed } : {}),
  ...(values['log-events'] ? { eventSink: (event) => console.error(JSON.stringify(event)) } : {}),
});
const server = createAwsServer({ services: [emulator] });
const url = await listen(server, port);
console.log(url);
console.error(
  `local DMS listening on ${url} (clock ${speed}x${values['state-dir'] ? `, state in ${values['state-dir']}` : ''})`,
);

const shutdown = () => {
  emulator.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
