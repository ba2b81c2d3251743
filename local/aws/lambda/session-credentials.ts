/**
 * Each in-process function calls AWS with the credentials of its own role, as a Lambda function does with the
 * credentials Lambda puts in its environment. All functions share one process (and one set of SDK clients), so the
 * session is carried by the invocation's async context: the SigV4 `Authorization` header of every request an
 * invocation sends names its session's access key. Requests outside an invocation keep the credentials they were
 * signed with.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { syncBuiltinESMExports } from 'node:module';

const current = new AsyncLocalStorage<string>();
const INSTALLED = Symbol.for('lakeshift.sessionCredentials');

type RequestFunction = typeof http.request;

const withSessionKey = (headers: unknown, accessKeyId: string): void => {
  if (typeof headers !== 'object' || headers === null) return;
  const record = headers as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') {
      record[name] = value.replace(/Credential=[^/]+\//, `Credential=${accessKeyId}/`);
    }
  }
};

/** Installs the header rewrite once per process (before any SDK client sends its first request). */
export const installSessionCredentials = (): void => {
  const holder = http as unknown as Record<symbol, boolean>;
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  const original: RequestFunction = http.request;
  const patched = ((...args: Parameters<RequestFunction>) => {
    const accessKeyId = current.getStore();
    if (accessKeyId) {
      for (const arg of args) {
        if (typeof arg === 'object' && arg !== null && !(arg instanceof URL)) {
          withSessionKey((arg as { headers?: unknown }).headers, accessKeyId);
        }
      }
    }
    return original(...args);
  }) as RequestFunction;
  http.request = patched;
  syncBuiltinESMExports();
};

/** Runs `work` as the session whose access key is `accessKeyId`. */
export const runAsSession = <T>(accessKeyId: string | undefined, work: () => T): T =>
  accessKeyId ? current.run(accessKeyId, work) : work();
