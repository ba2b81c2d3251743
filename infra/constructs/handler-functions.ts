import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HANDLER_NAMES, type HandlerName, handlerArnPlaceholder } from '#contracts/names';
import { RULES } from '#contracts/wiring';
import { HANDLER_ACCESS } from '../permissions/handler-access.ts';
import { type AccessTargets, grantHandlerAccess } from '../permissions/handler-statements.ts';
import type { HandlerCode } from './handler-code.ts';
import { HandlerFunction } from './handler-function.ts';

export interface HandlerFunctionsProps {
  readonly code: HandlerCode;
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly logKey: kms.IKey;
  /** Where handlers that connect to source databases run. */
  readonly sourceAccess: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroup: ec2.ISecurityGroup;
  };
}

/** Handlers an event rule targets: EventBridge invokes them asynchronously, Step Functions invokes the rest. */
const EVENT_TARGETS: ReadonlySet<HandlerName> = new Set(
  RULES.flatMap((rule) => (rule.target.kind === 'handler' ? [rule.target.name] : [])),
);

/** Every handler in HANDLER_NAMES as a Lambda function, each with the access HANDLER_ACCESS gives it. */
export class HandlerFunctions extends Construct {
  private readonly byName = new Map<HandlerName, HandlerFunction>();

  constructor(scope: Construct, id: string, props: HandlerFunctionsProps) {
    super(scope, id);
    for (const name of HANDLER_NAMES) {
      const access = HANDLER_ACCESS[name];
      // Construct ids follow the ASL placeholders (EnsureTaskFunctionArn -> EnsureTask).
      const handler = new HandlerFunction(this, handlerArnPlaceholder(name).replace(/FunctionArn$/, ''), {
        handlerName: name,
        code: props.code,
        environment: props.environment,
        logRetention: props.logRetention,
        logKey: props.logKey,
        invocation: EVENT_TARGETS.has(name) ? 'asynchronous' : 'synchronous',
        ...(access.timeoutSeconds ? { timeout: Duration.seconds(access.timeoutSeconds) } : {}),
        ...(access.connectsToSources ? { vpcPlacement: props.sourceAccess } : {}),
      });
      this.byName.set(name, handler);
    }
  }

  get(name: HandlerName): HandlerFunction {
    const handler = this.byName.get(name);
    if (!handler) throw new Error(`handler ${name} is not defined`);
    return handler;
  }

  get all(): HandlerFunction[] {
    return [...this.byName.values()];
  }

  /** Adds each handler's permissions, once the resources they refer to exist. */
  grantAccess(targets: AccessTargets): void {
    for (const [name, handler] of this.byName)
      grantHandlerAccess(handler.role, HANDLER_ACCESS[name], targets);
  }
}
