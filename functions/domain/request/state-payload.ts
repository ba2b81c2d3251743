/**
 * Step Functions fails an execution whose state input or output exceeds 256 KiB, with a terminal error no catcher
 * matches (docs/failure-semantics.md, "Fleet size"). migrate-fleet holds every database's run and outcome in one state, and
 * each Map iteration holds the request beside its run, so a request whose fleet would not fit is refused by
 * validate-request, before anything is created, rather than failing half way.
 */
import { FLEET_DATABASE_STATUSES } from '#contracts/attempts';
import { InvalidInputError } from '#contracts/errors';

export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** Room for what a Map iteration adds to the request (its run and the trigger's ARN). */
const ITERATION_ROOM_BYTES = 2 * 1024;

const longestStatus = Object.values(FLEET_DATABASE_STATUSES).reduce((longest, status) =>
  status.length > longest.length ? status : longest,
);

const bytesOf = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * What migrate-fleet's Map adds to validate-request's output, at the longest statuses: every database's status, and
 * every database's outcome (its id and status), from which a failure names the failed databases.
 */
const fleetResultBytes = (databaseIds: readonly string[]): number =>
  bytesOf({
    fleet: {
      statuses: databaseIds.map(() => longestStatus),
      outcomes: databaseIds.map((databaseId) => ({ databaseId, status: longestStatus })),
    },
    check: { anyFailed: false },
  });

/**
 * Refuses a fleet whose states would not fit: validate-request's output with what the Map adds to it, or the request
 * beside one database's run (each Map iteration's input, and each migrate-database input). The message names the
 * size, the limit and the remedy.
 */
export const assertFleetFitsStatePayload = (
  output: unknown,
  request: unknown,
  databaseIds: readonly string[],
): void => {
  const fleetBytes = bytesOf(output) + fleetResultBytes(databaseIds);
  if (fleetBytes > STATE_PAYLOAD_LIMIT_BYTES) {
    throw new InvalidInputError(
      `databases: ${databaseIds.length} databases make migrate-fleet's state ${fleetBytes} bytes, over Step Functions' ${STATE_PAYLOAD_LIMIT_BYTES}-byte limit; split them into several migrations (or retry them in smaller groups)`,
    );
  }
  const iterationBytes = bytesOf(request) + ITERATION_ROOM_BYTES;
  if (iterationBytes > STATE_PAYLOAD_LIMIT_BYTES) {
    throw new InvalidInputError(
      `request: ${iterationBytes - ITERATION_ROOM_BYTES} bytes, too large to pass to each database's migration within Step Functions' ${STATE_PAYLOAD_LIMIT_BYTES}-byte limit; split the databases into several migrations`,
    );
  }
};
