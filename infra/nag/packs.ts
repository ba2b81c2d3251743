import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag packs every synthesis runs: AWS Solutions (security) and Serverless (AWS's serverless practices:
 * failure destinations, redrive policies, tracing, explicit memory and timeouts). A finding of either that is not
 * acknowledged with a reason next to its resource fails synthesis.
 */
export const NAG_PACK_NAMES = ['AwsSolutions', 'Serverless'] as const;
export type NagPackName = (typeof NAG_PACK_NAMES)[number];

export const nagPack = (name: NagPackName, scope?: IConstruct): cdkNag.NagPack =>
  name === 'AwsSolutions' ? new cdkNag.AwsSolutionsChecks(scope) : new cdkNag.ServerlessChecks(scope);

/** Registers every pack on the app: synthesis then fails on any unacknowledged finding. */
export const addNagPacks = (app: IConstruct): void => {
  for (const name of NAG_PACK_NAMES) Validations.of(app).addPlugins(nagPack(name, app));
};
