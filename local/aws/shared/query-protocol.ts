/**
 * The AWS query protocol: form-encoded `Action=...&Version=<api version>` requests answered in XML. CloudFormation
 * speaks only this protocol; the AWS CLI v2 of Debian 12 (botocore's CloudWatch model of that release) still speaks
 * it for CloudWatch, so the CLI reaches the same service operations the SDK reaches over JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FallbackHandler } from '../../http/server.ts';
import { toAwsServiceError } from '../../http/service.ts';

/** A service answering query-protocol actions: its API version (the `Version` parameter) and XML namespace. */
export interface QueryProtocolService {
  readonly apiVersion: string;
  readonly xmlNamespace: string;
  handle(action: string, input: Record<string, unknown>): Promise<unknown>;
}

/** Turns `MetricData.member.1.Dimensions.member.2.Name=x` pairs into nested objects and arrays. */
export const parseQueryParameters = (params: URLSearchParams): Record<string, unknown> => {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] ?? '';
      const isLast = i === path.length - 1;
      if (segment === 'member' && Array.isArray(node)) continue;
      const index = Array.isArray(node) ? Number(segment) - 1 : -1;
      const nextIsList = path[i + 1] === 'member';
      const created: unknown = isLast ? value : nextIsList ? [] : {};
      if (Array.isArray(node)) {
        node[index] ??= created;
        if (!isLast) node = node[index] as Record<string, unknown> | unknown[];
      } else {
        node[segment] ??= created;
        if (!isLast) node = node[segment] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
};

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON output → XML elements: arrays become `<member>` lists, as the query protocol serialises them. */
export const toXmlElements = (name: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value))
    return `<${name}>${value.map((item) => toXmlElements('member', item)).join('')}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([key, child]) => toXmlElements(key, child))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
};

let queryRequestCounter = 0;

const sendXml = (res: ServerResponse, status: number, xml: string): void => {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
};

/** A fallback handler answering the query-protocol requests of `service`'s API version. */
export const queryProtocolFallback =
  (service: QueryProtocolService): FallbackHandler =>
  async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> => {
    if (
      req.headers['x-amz-target'] ||
      !String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
    ) {
      return false;
    }
    const params = new URLSearchParams(body.toString('utf8'));
    const action = params.get('Action');
    if (!action || params.get('Version') !== service.apiVersion) return false;
    const requestId = `local-query-${(++queryRequestCounter).toString(16)}`;
    try {
      const output = (await service.handle(action, parseQueryParameters(params))) as Record<string, unknown>;
      const result = Object.keys(output ?? {}).length > 0 ? toXmlElements(`${action}Result`, output) : '';
      sendXml(
        res,
        200,
        `<${action}Response xmlns="${service.xmlNamespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (error) {
      const awsError = toAwsServiceError(error);
      sendXml(
        res,
        awsError.statusCode,
        `<ErrorResponse xmlns="${service.xmlNamespace}"><Error><Type>${awsError.fault}</Type><Code>${escapeXml(awsError.type)}</Code><Message>${escapeXml(awsError.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    }
    return true;
  };
