import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  DEFAULT_NETWORK_NAME,
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  isSourceHandler,
  sourceFunctionName,
} from '#contracts/names';
import { RULES } from '#contracts/wiring';
import { HANDLER_ACCESS } from '../permissions/handler-access.ts';
import { type AccessTargets, grantHandlerAccess } from '../permissions/handler-statements.ts';
import type { HandlerCode } from './handler-code.ts';
import { HandlerFunction } from './handler-function.ts';

/** Where the copies of the source handlers run in one network. */
export interface SourceAccess {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroup: ec2.ISecurityGroup;
}

export interface HandlerFunctionsProps {
  readonly stackName: string;
  readonly code: HandlerCode;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly logKey: kms.IKey;
  /** Per configured network, where the handlers that connect to source databases run (one copy each). */
  readonly sourceAccess: ReadonlyMap<string, SourceAccess>;
}

/** Handlers an event rule targets: EventBridge invokes them asynchronously, Step Functions invokes the rest. */
const EVENT_TARGETS: ReadonlySet<HandlerName> = new Set(
  RULES.flatMap((rule) => (rule.target.kind === 'handler' ? [rule.target.name] : [])),
);

/**
 * Every handler in HANDLER_NAMES as a Lambda function, each with the access HANDLER_ACCESS gives it. A handler that
 * connects to sources has one copy per network (docs/source-safety.md, "Networks"); `get` returns its `default` copy.
 */
export class HandlerFunctions extends Construct {
  private readonly byName = new Map<HandlerName, ReadonlyMap<string | undefined, HandlerFunction>>();

  constructor(scope: Construct, id: string, props: HandlerFunctionsProps) {
    super(scope, id);
    for (const name of HANDLER_NAMES) {
      const access = HANDLER_ACCESS[name];
      // Construct ids follow the ASL placeholders (EnsureTaskFunctionArn -> EnsureTask); the default network's
      // copy keeps the handler's id, another network's copy adds the network's name.
      const baseId = handlerArnPlaceholder(name).replace(/FunctionArn$/, '');
      const create = (constructId: string, networkName?: string) =>
        new HandlerFunction(this, constructId, {
          handlerName: name,
          code: props.code,
          environment: props.environment,
          logRetention: props.logRetention,
          logKey: props.logKey,
          invocation: EVENT_TARGETS.has(name) ? 'asynchronous' : 'synchronous',
          ...(access.timeoutSeconds ? { timeout: Duration.seconds(access.timeoutSeconds) } : {}),
          ...(networkName === undefined || !isSourceHandler(name)
            ? {}
            : {
                vpcPlacement: {
                  ...this.accessIn(props.sourceAccess, networkName),
                  networkName,
                  functionName: sourceFunctionName(props.stackName, name, networkName),
                },
              }),
        });
      const copies = isSourceHandler(name)
        ? new Map(
            [...props.sourceAccess.keys()].map((network) => [
              network,
              create(network === DEFAULT_NETWORK_NAME ? baseId : `${baseId}-${network}`, network),
            ]),
          )
        : new Map([[undefined, create(baseId)]]);
      this.byName.set(name, copies);
    }
  }

  /** The handler's function; for a source handler, its copy in `default`. */
  get(name: HandlerName): HandlerFunction {
    const copies = this.copies(name);
    const handler = copies.get(undefined) ?? copies.get(DEFAULT_NETWORK_NAME);
    if (!handler) throw new Error(`handler ${name} has no default copy`);
    return handler;
  }

  /** Every function of a handler: one, or one per network for a source handler (keyed by network). */
  copies(name: HandlerName): ReadonlyMap<string | undefined, HandlerFunction> {
    const copies = this.byName.get(name);
    if (!copies) throw new Error(`handler ${name} is not defined`);
    return copies;
  }

  get all(): HandlerFunction[] {
    return [...this.byName.values()].flatMap((copies) => [...copies.values()]);
  }

  /** Adds each function's permissions, once the resources they refer to exist. */
  grantAccess(targets: AccessTargets): void {
    for (const handler of this.all) {
      grantHandlerAccess(
        handler.role,
        { ...HANDLER_ACCESS[handler.handlerName], connectsToSources: isSourceHandler(handler.handlerName) },
        targets,
      );
    }
  }

  private accessIn(sourceAccess: ReadonlyMap<string, SourceAccess>, network: string): SourceAccess {
    const access = sourceAccess.get(network);
    if (!access) throw new Error(`network ${network} has no source access`);
    return access;
  }
}
