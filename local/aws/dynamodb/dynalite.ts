/**
 * DynamoDB behind the one local endpoint: a real dynalite server on its own loopback port, and a fallback handler
 * that proxies `DynamoDB_20120810.*` requests to it byte for byte (signature headers included; dynalite ignores them).
 */

import { request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type FallbackHandler, keepIdleConnectionsOpen } from '../../http/server.ts';

interface DynaliteOptions {
  readonly createTableMs?: number;
  readonly deleteTableMs?: number;
  readonly updateTableMs?: number;
  /** LevelDB directory; in memory when absent. */
  readonly path?: string;
}

// dynalite ships CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';

export interface LocalDynamoDb {
  readonly port: number;
  readonly fallback: FallbackHandler;
  /** Calls `observer` after every DynamoDB request answered; returns the function that stops it. */
  observe(observer: DynamoDbObserver): () => void;
  stop(): Promise<void>;
}

/** One DynamoDB request and its answer, as JSON (tests and progress views watch the registry through it). */
export interface DynamoDbExchange {
  readonly operation: string;
  readonly request: unknown;
  readonly statusCode: number;
  readonly response: unknown;
}

export type DynamoDbObserver = (exchange: DynamoDbExchange) => void;

const parseJson = (buffer: Buffer): unknown => {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
};

export const startLocalDynamoDb = async (options: { path?: string } = {}): Promise<LocalDynamoDb> => {
  // The proxy reuses its connections to dynalite as the SDK reuses its own to the endpoint: the same race.
  const server = keepIdleConnectionsOpen(
    dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const observers = new Set<DynamoDbObserver>();

  const fallback: FallbackHandler = async (req, res, body) => {
    if (!String(req.headers['x-amz-target'] ?? '').startsWith(DYNAMODB_TARGET_PREFIX)) return false;
    await new Promise<void>((resolve) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `127.0.0.1:${port}`, 'content-length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const answer = Buffer.concat(chunks);
            res.writeHead(response.statusCode ?? 500, response.headers);
            res.end(answer);
            if (observers.size > 0) {
              const exchange: DynamoDbExchange = {
                operation: String(req.headers['x-amz-target']).slice(DYNAMODB_TARGET_PREFIX.length),
                request: parseJson(body),
                statusCode: response.statusCode ?? 500,
                response: parseJson(answer),
              };
              for (const observer of observers) observer(exchange);
            }
            resolve();
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'InternalServerError', message: error.message }));
        resolve();
      });
      upstream.end(body);
    });
    return true;
  };

  return {
    port,
    fallback,
    observe: (observer) => {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
