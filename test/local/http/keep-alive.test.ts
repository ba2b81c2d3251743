/**
 * The local endpoint keeps idle connections open. A server that closes them after a short idle time cuts off a
 * client that reuses one just as the server's timer fires; on a loaded machine that moment is an event loop stall
 * away. Here the stall is made on purpose: timers that fall due during it run before any I/O is read.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAwsServer, listen } from '#local/http/server';

// The shortest idle timeout Node's agent still reuses a socket under (its hint must exceed one second).
const SHORT_KEEP_ALIVE_MS = 2_000;
// Node's server closes an idle socket a second after the timeout it advertises.
const STALL_MS = SHORT_KEEP_ALIVE_MS + 1_500;

const post = (endpoint: string, agent: Agent): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(endpoint, { method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });

/** Holds the event loop, as a busy machine does. */
const stall = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs
  }
};

/** Two requests on one kept-alive socket, the second sent right after a stall longer than the server's timer. */
const reuseAfterStall = async (server: Server): Promise<number> => {
  const endpoint = await listen(server);
  // As the AWS SDK's agent: keep-alive, and no idle timeout of its own.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await post(endpoint, agent);
    // The agent takes the socket back once the response has been read.
    await new Promise((resolve) => setImmediate(resolve));
    stall(STALL_MS);
    return await post(endpoint, agent);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};

describe('keep-alive connections to the local endpoint', () => {
  it('are cut off by a server with a short idle timeout when reused as the timer fires', async () => {
    // Prepare
    const server = createServer((_req, res) => res.end('{}'));
    server.keepAliveTimeout = SHORT_KEEP_ALIVE_MS;

    // Act
    const reuse = reuseAfterStall(server);

    // Assess
    await expect(reuse).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('stay open on the local endpoint however long the client leaves them idle', async () => {
    // Prepare
    const server = createAwsServer({ services: [] });

    // Act
    const status = await reuseAfterStall(server);

    // Assess
    expect(server.keepAliveTimeout).toBe(0);
    expect(status).toBe(400);
  });
});
