import * as z from 'zod';
import {
  DEFAULT_LADDER,
  INSTANCE_CLASS_NAMES,
  INSTANCE_CLASSES,
  type InstanceClass,
} from '#domain/instance-classes';

/**
 * Resize settings: how the resize policy moves an instance along its ladder. The fully resolved shape
 * (`ResizeSettings`) is what a database plan carries and what the resize policy consumes; the request carries
 * partial layers (`defaults.resize`, then per-database overrides) that `resolveResizeSettings` merges.
 */

export const AUTO_STEADY_CLASS = 'auto';

export const RESIZE_DEFAULTS = {
  cooldownMinutes: 30,
  headroom: 0.3,
  // AWS publishes no apply rate per vCPU; a low figure sizes `auto` larger, the safer error (docs/design.md §3.2).
  cdcChangesPerVcpuSecond: 1000,
  stepUp: {
    cpuPercent: 80,
    freeableMemoryPercent: 10,
    // Any sustained swap means the instance is short of memory; 256 MiB filters out noise.
    swapUsageBytes: 268_435_456,
    cdcLatencySeconds: 120,
    sustainedMinutes: 15,
  },
  stepDown: { cpuPercent: 25, quietMinutes: 360 },
} as const;

const INSTANCE_CLASS_RULE = 'must be a known DMS instance class, e.g. dms.r5.xlarge';

export const instanceClassSchema = z.enum(INSTANCE_CLASS_NAMES as [InstanceClass, ...InstanceClass[]], {
  error: INSTANCE_CLASS_RULE,
});

const steadyClassSchema = z.enum([AUTO_STEADY_CLASS, ...INSTANCE_CLASS_NAMES], {
  error: `must be 'auto' or a known DMS instance class, e.g. dms.r5.large`,
});

const percentSchema = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');
const positiveMinutesSchema = z.number().int('must be a whole number of minutes').positive('must be > 0');

/** Smaller first by memory, then by vCPU: the order the resize policy steps in. */
export const compareInstanceClasses = (left: InstanceClass, right: InstanceClass): number => {
  const a = INSTANCE_CLASSES[left];
  const b = INSTANCE_CLASSES[right];
  return a.memoryGiB - b.memoryGiB || a.vCpu - b.vCpu;
};

const ladderSchema = z
  .array(instanceClassSchema)
  .min(1, 'must list at least one instance class')
  .superRefine((ladder, context) => {
    ladder.forEach((rung, index) => {
      const previous = index > 0 ? ladder[index - 1] : undefined;
      if (previous !== undefined && compareInstanceClasses(previous, rung) >= 0) {
        context.addIssue({
          code: 'custom',
          path: [index],
          message: `must be larger than ${previous} (ladder ordered smallest to largest by memory, then vCPU, no repeats)`,
        });
      }
    });
  });

const stepUpShape = {
  cpuPercent: percentSchema,
  freeableMemoryPercent: percentSchema,
  swapUsageBytes: z.number().int('must be a whole number of bytes').nonnegative('must be >= 0'),
  cdcLatencySeconds: z.number().positive('must be > 0'),
  sustainedMinutes: positiveMinutesSchema,
};

const stepDownShape = {
  cpuPercent: percentSchema,
  quietMinutes: positiveMinutesSchema,
};

const baseShape = {
  ladder: ladderSchema,
  floor: instanceClassSchema,
  ceiling: instanceClassSchema,
  cooldownMinutes: z.number().int('must be a whole number of minutes').nonnegative('must be >= 0'),
  headroom: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  cdcChangesPerVcpuSecond: z.number().positive('must be > 0'),
};

interface ResizeIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Cross-field rules of a resolved settings object: floor/ceiling/steady class on the ladder, floor ≤ ceiling. */
export const resizeSettingsIssues = (settings: {
  ladder: readonly InstanceClass[];
  floor: InstanceClass;
  ceiling: InstanceClass;
  steadyClass: InstanceClass | typeof AUTO_STEADY_CLASS;
}): ResizeIssue[] => {
  const issues: ResizeIssue[] = [];
  const onLadder = (value: InstanceClass) => settings.ladder.includes(value);
  const ladderText = settings.ladder.join(', ');
  if (!onLadder(settings.floor)) {
    issues.push({ path: ['floor'], message: `must be one of the ladder's classes (${ladderText})` });
  }
  if (!onLadder(settings.ceiling)) {
    issues.push({ path: ['ceiling'], message: `must be one of the ladder's classes (${ladderText})` });
  }
  if (settings.steadyClass !== AUTO_STEADY_CLASS && !onLadder(settings.steadyClass)) {
    issues.push({
      path: ['steadyClass'],
      message: `must be 'auto' or one of the ladder's classes (${ladderText})`,
    });
  }
  if (compareInstanceClasses(settings.floor, settings.ceiling) > 0) {
    issues.push({ path: ['floor'], message: `must not be larger than the ceiling (${settings.ceiling})` });
  }
  return issues;
};

/** The fully resolved settings, as a database plan carries them. */
export const resizeSettingsSchema = z
  .strictObject({
    steadyClass: steadyClassSchema,
    ...baseShape,
    // Plans stored before the setting existed carry none.
    cdcChangesPerVcpuSecond: baseShape.cdcChangesPerVcpuSecond.default(
      RESIZE_DEFAULTS.cdcChangesPerVcpuSecond,
    ),
    stepUp: z.strictObject(stepUpShape),
    stepDown: z.strictObject(stepDownShape),
  })
  .superRefine((settings, context) => {
    for (const issue of resizeSettingsIssues(settings)) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });

export type ResizeSettings = z.output<typeof resizeSettingsSchema>;

/**
 * One layer of resize settings in a request. Every field is optional so that a per-database layer overrides
 * only what it names; cross-field rules are checked on the merged result.
 */
export const resizeSettingsLayerSchema = z.strictObject({
  steadyClass: steadyClassSchema
    .optional()
    .describe(
      "Class after the full load: a ladder class, or 'auto'. Default: one rung below the full-load class.",
    ),
  ladder: ladderSchema.optional().describe('Instance classes, smallest to largest by memory then vCPU.'),
  floor: instanceClassSchema.optional().describe('Smallest class allowed. Default: the first rung.'),
  ceiling: instanceClassSchema.optional().describe('Largest class allowed. Default: the last rung.'),
  cooldownMinutes: baseShape.cooldownMinutes.optional(),
  headroom: baseShape.headroom.optional(),
  cdcChangesPerVcpuSecond: baseShape.cdcChangesPerVcpuSecond
    .optional()
    .describe(
      'CDC changes one vCPU applies per second, to size `auto` by the apply rate observed. Default 1000.',
    ),
  stepUp: z.strictObject(stepUpShape).partial().optional(),
  stepDown: z.strictObject(stepDownShape).partial().optional(),
});

export type ResizeSettingsLayer = z.output<typeof resizeSettingsLayerSchema>;

/** The request's `defaults.resize`: a layer whose settings that do not depend on others are defaulted. */
export const resizeDefaultsLayerSchema = resizeSettingsLayerSchema.extend({
  ladder: ladderSchema.default([...DEFAULT_LADDER]),
  cooldownMinutes: baseShape.cooldownMinutes.default(RESIZE_DEFAULTS.cooldownMinutes),
  headroom: baseShape.headroom.default(RESIZE_DEFAULTS.headroom),
  cdcChangesPerVcpuSecond: baseShape.cdcChangesPerVcpuSecond.default(RESIZE_DEFAULTS.cdcChangesPerVcpuSecond),
  stepUp: z
    .strictObject({
      cpuPercent: stepUpShape.cpuPercent.default(RESIZE_DEFAULTS.stepUp.cpuPercent),
      freeableMemoryPercent: stepUpShape.freeableMemoryPercent.default(
        RESIZE_DEFAULTS.stepUp.freeableMemoryPercent,
      ),
      swapUsageBytes: stepUpShape.swapUsageBytes.default(RESIZE_DEFAULTS.stepUp.swapUsageBytes),
      cdcLatencySeconds: stepUpShape.cdcLatencySeconds.default(RESIZE_DEFAULTS.stepUp.cdcLatencySeconds),
      sustainedMinutes: stepUpShape.sustainedMinutes.default(RESIZE_DEFAULTS.stepUp.sustainedMinutes),
    })
    .prefault({}),
  stepDown: z
    .strictObject({
      cpuPercent: stepDownShape.cpuPercent.default(RESIZE_DEFAULTS.stepDown.cpuPercent),
      quietMinutes: stepDownShape.quietMinutes.default(RESIZE_DEFAULTS.stepDown.quietMinutes),
    })
    .prefault({}),
});

/** One rung below the full-load class: the largest rung smaller than it, or the first rung when none is. */
export const defaultSteadyClass = (
  ladder: readonly InstanceClass[],
  fullLoadClass: InstanceClass,
): InstanceClass => {
  const smaller = ladder.filter((rung) => compareInstanceClasses(rung, fullLoadClass) < 0);
  return smaller.at(-1) ?? ladder[0] ?? fullLoadClass;
};

/**
 * Merges layers (later wins, field by field) over the built-in defaults. Floor and ceiling default to the ends
 * of the effective ladder, so a layer that only swaps the ladder stays consistent.
 */
export const mergeResizeLayers = (
  layers: readonly ResizeSettingsLayer[],
  defaultLadder: readonly InstanceClass[],
  fullLoadClass: InstanceClass,
): ResizeSettings => {
  let merged: ResizeSettingsLayer = {};
  for (const layer of layers) {
    merged = {
      ...merged,
      ...layer,
      stepUp: { ...merged.stepUp, ...layer.stepUp },
      stepDown: { ...merged.stepDown, ...layer.stepDown },
    };
  }
  const ladder = merged.ladder ?? [...defaultLadder];
  return {
    steadyClass: merged.steadyClass ?? defaultSteadyClass(ladder, fullLoadClass),
    ladder,
    // An empty ladder cannot pass the schema; falling back keeps this total and the rules report it.
    floor: merged.floor ?? ladder[0] ?? fullLoadClass,
    ceiling: merged.ceiling ?? ladder.at(-1) ?? fullLoadClass,
    cooldownMinutes: merged.cooldownMinutes ?? RESIZE_DEFAULTS.cooldownMinutes,
    headroom: merged.headroom ?? RESIZE_DEFAULTS.headroom,
    cdcChangesPerVcpuSecond: merged.cdcChangesPerVcpuSecond ?? RESIZE_DEFAULTS.cdcChangesPerVcpuSecond,
    stepUp: { ...RESIZE_DEFAULTS.stepUp, ...merged.stepUp },
    stepDown: { ...RESIZE_DEFAULTS.stepDown, ...merged.stepDown },
  };
};
