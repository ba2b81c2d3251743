/** Reads cdk-nag acknowledgements off a synthesized construct tree, and runs a pack as if there were none. */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type NagPackName, nagPack } from '../../../infra/nag/packs.ts';

export interface Acknowledgement {
  readonly construct: IConstruct;
  /** The rule id as written, e.g. `Serverless-LambdaDLQ` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  readonly reason: string;
}

export const acknowledgementsIn = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ construct, id: id.replace(/^annotation::/i, ''), reason })),
  );

export interface Finding {
  readonly rule: string;
  readonly constructPath: string;
}

/**
 * Every finding of a pack with no acknowledgement honoured: cdk-nag looks acknowledgements up under
 * Validations.ACKNOWLEDGED_RULES_METADATA_KEY, so for the length of this call it is pointed at a key nothing uses.
 */
export const findingsIgnoringAcknowledgements = (root: IConstruct, pack: NagPackName): Finding[] => {
  const key = Object.getOwnPropertyDescriptor(Validations, 'ACKNOWLEDGED_RULES_METADATA_KEY');
  if (!key) throw new Error('Validations.ACKNOWLEDGED_RULES_METADATA_KEY is gone: cdk-nag reads it');
  Object.defineProperty(Validations, 'ACKNOWLEDGED_RULES_METADATA_KEY', {
    ...key,
    value: 'nothing-acknowledged',
  });
  try {
    return nagPack(pack)
      .validateScope(root)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => ({
          rule: violation.ruleName,
          constructPath: resource.constructPath ?? '',
        })),
      );
  } finally {
    Object.defineProperty(Validations, 'ACKNOWLEDGED_RULES_METADATA_KEY', key);
  }
};

/**
 * Acknowledgements of a pack that no finding needs (`<rule> on <construct path>`): an acknowledgement counts as
 * needed when the pack, ignoring acknowledgements, finds that rule on its construct or below it.
 */
export const unneededAcknowledgements = (root: IConstruct, pack: NagPackName): string[] => {
  const findings = findingsIgnoringAcknowledgements(root, pack);
  return acknowledgementsIn(root)
    .filter(({ id }) => id.startsWith(`${pack}-`))
    .filter(({ construct, id }) => {
      const path = construct.node.path;
      return !findings.some(
        (finding) =>
          finding.rule === id &&
          (finding.constructPath === path || finding.constructPath.startsWith(`${path}/`)),
      );
    })
    .map(({ construct, id }) => `${id} on ${construct.node.path}`);
};

/**
 * Acknowledgements the example stack does not need but other configurations do: with an imported lake bucket no
 * bucket of the stack logs into the access-log bucket, and cdk-nag then asks for its own access logs.
 */
export const ACKNOWLEDGED_FOR_OTHER_CONFIGS: Readonly<Record<NagPackName, readonly string[]>> = {
  AwsSolutions: ['AwsSolutions-S1 on Lakeshift/AccessLogs/Bucket'],
  Serverless: [],
};
