/**
 * The class to step down to once the full load and its cached changes are done: the configured steady class, or
 * with `auto` the smallest allowed rung whose vCPU and memory cover the peak seen on the full-load class while the
 * cached changes were applied, plus headroom.
 */
import { InvalidInputError } from '#contracts/errors';
import { INSTANCE_CLASSES, type InstanceClass } from '#domain/instance-classes';
import {
  AUTO_STEADY_CLASS,
  compareInstanceClasses,
  type ResizeSettings,
} from '#domain/request/resize-settings';
import { allowedRungs, rungsBelow } from './ladder.ts';
import type { PeakUsage } from './types.ts';

export interface StepDownTarget {
  readonly targetClass: InstanceClass;
  readonly reason: string;
}

const GIB = 1024 ** 3;

const round = (value: number): number => Math.round(value * 100) / 100;

/** Resources the peak used on `fullLoadClass`, grown by the headroom. */
export const peakNeeds = (
  fullLoadClass: InstanceClass,
  peak: PeakUsage,
  headroom: number,
): { readonly vCpu: number; readonly memoryGiB: number } => {
  const spec = INSTANCE_CLASSES[fullLoadClass];
  const cpuShare = Math.min(100, Math.max(0, peak.cpuPercent)) / 100;
  const freeGiB = Math.max(0, peak.freeableMemoryBytes) / GIB;
  return {
    vCpu: spec.vCpu * cpuShare * (1 + headroom),
    memoryGiB: Math.max(0, spec.memoryGiB - freeGiB) * (1 + headroom),
  };
};

export const stepDownTarget = (
  fullLoadClass: InstanceClass,
  settings: ResizeSettings,
  peak?: PeakUsage,
): StepDownTarget => {
  const allowed = allowedRungs(settings);
  const smallest = allowed[0];
  const largest = allowed.at(-1);
  if (smallest === undefined || largest === undefined) {
    throw new InvalidInputError(
      `settings: no ladder rung lies between floor ${settings.floor} and ceiling ${settings.ceiling}`,
    );
  }
  const clamp = (instanceClass: InstanceClass): InstanceClass =>
    compareInstanceClasses(instanceClass, smallest) < 0
      ? smallest
      : compareInstanceClasses(instanceClass, largest) > 0
        ? largest
        : instanceClass;

  if (settings.steadyClass !== AUTO_STEADY_CLASS) {
    const targetClass = clamp(settings.steadyClass);
    return {
      targetClass,
      reason:
        targetClass === settings.steadyClass
          ? `configured steady class ${targetClass}`
          : `configured steady class ${settings.steadyClass} kept within floor/ceiling: ${targetClass}`,
    };
  }

  // Never above the full-load class: the point is to save, and the full load already ran on it.
  const atMostFullLoad = [
    ...rungsBelow(fullLoadClass, settings),
    ...allowed.filter((rung) => rung === fullLoadClass),
  ];
  if (!peak) {
    const oneBelow = rungsBelow(fullLoadClass, settings).at(-1) ?? smallest;
    return { targetClass: oneBelow, reason: `auto without peak metrics: one rung below ${fullLoadClass}` };
  }
  const needs = peakNeeds(fullLoadClass, peak, settings.headroom);
  const covering = allowed.find(
    (rung) =>
      INSTANCE_CLASSES[rung].vCpu >= needs.vCpu && INSTANCE_CLASSES[rung].memoryGiB >= needs.memoryGiB,
  );
  const needText = `peak ${round(peak.cpuPercent)}% CPU and ${round(peak.freeableMemoryBytes / GIB)} GiB freeable on ${fullLoadClass} needs ${round(needs.vCpu)} vCPU and ${round(needs.memoryGiB)} GiB with ${settings.headroom * 100}% headroom`;
  if (covering !== undefined && compareInstanceClasses(covering, fullLoadClass) <= 0) {
    return { targetClass: covering, reason: `auto: ${needText}; smallest rung covering it is ${covering}` };
  }
  const fallback = atMostFullLoad.at(-1) ?? smallest;
  return {
    targetClass: fallback,
    reason: `auto: ${needText}; no smaller rung covers it, keeping ${fallback}`,
  };
};
