import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AwsJsonService, toAwsServiceError } from './service.ts';

/** A request the JSON services do not handle (e.g. DynamoDB, proxied to dynalite). Returns true when handled. */
export type FallbackHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>;

export interface AwsServerOptions {
  readonly services: readonly AwsJsonService[];
  readonly fallback?: FallbackHandler;
  /**
   * Authorizes a request before any service sees it (IAM enforcement); throws the error AWS would answer with.
   * DynamoDB requests (served by the fallback) pass here too.
   */
  readonly authorize?: (
    targetPrefix: string,
    operation: string,
    input: Record<string, unknown>,
    authorization: string | undefined,
  ) => void;
  /** Called once per request, after it is answered (for counting API calls). */
  readonly onRequest?: (service: string, operation: string, statusCode: number) => void;
}

let requestCounter = 0;

/** One HTTP endpoint for many AWS JSON services, routed by `X-Amz-Target`. */
export const createAwsServer = (options: AwsServerOptions): Server => {
  const byPrefix = new Map(options.services.map((service) => [service.targetPrefix, service]));
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void route(req, res, Buffer.concat(chunks));
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix = '', operation = ''] = target.split('.');
    const service = byPrefix.get(prefix);
    if (!service) {
      if (options.authorize && prefix && operation) {
        try {
          options.authorize(prefix, operation, parseBody(body), authorizationOf(req));
        } catch (error) {
          const awsError = toAwsServiceError(error);
          return send(res, awsError.statusCode, 'json1.0', {
            __type: awsError.type,
            message: awsError.message,
          });
        }
      }
      if (options.fallback && (await options.fallback(req, res, body))) return;
      return send(res, 400, 'json1.1', {
        __type: 'UnknownOperationException',
        message: `Unknown target ${target}`,
      });
    }
    const contentType = service.protocol === 'json1.0' ? 'json1.0' : 'json1.1';
    let input: Record<string, unknown>;
    try {
      input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch {
      return send(res, 400, contentType, {
        __type: 'SerializationException',
        message: 'Request body is not JSON',
      });
    }
    try {
      options.authorize?.(prefix, operation, input, authorizationOf(req));
      const output = await service.handle(operation, input);
      send(res, 200, contentType, output ?? {});
      options.onRequest?.(service.name, operation, 200);
    } catch (error) {
      const awsError = toAwsServiceError(error);
      const headers: Record<string, string> = {};
      if (service.queryCompatible) headers['x-amzn-query-error'] = `${awsError.type};${awsError.fault}`;
      send(
        res,
        awsError.statusCode,
        contentType,
        { __type: awsError.type, message: awsError.message },
        headers,
      );
      options.onRequest?.(service.name, operation, awsError.statusCode);
    }
  }
};

const authorizationOf = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization;
  return typeof header === 'string' ? header : undefined;
};

/** A JSON body as an object (anything else as an empty input: the service answers its own parse error). */
const parseBody = (body: Buffer): Record<string, unknown> => {
  try {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

const send = (
  res: ServerResponse,
  statusCode: number,
  protocol: 'json1.0' | 'json1.1',
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': protocol === 'json1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': `local-${(++requestCounter).toString(16).padStart(8, '0')}`,
    ...headers,
  });
  res.end(payload);
};

/** Listens on 127.0.0.1 (port 0 picks a free one) and returns the endpoint URL. */
export const listen = (server: Server, port = 0): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
