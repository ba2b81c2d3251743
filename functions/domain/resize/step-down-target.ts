/**
 * The class to step down to once the full load and its cached changes are done: the configured steady class, or
 * with `auto` the smallest allowed rung whose vCPU and memory cover the peak seen on the full-load class while it
 * worked (CPU, freeable memory and swap, the CDC apply rate), plus headroom, without tripping its own step-up
 * thresholds.
 */
import { InvalidInputError } from '#contracts/errors';
import { INSTANCE_CLASSES, type InstanceClass } from '#domain/instance-classes';
import {
  AUTO_STEADY_CLASS,
  compareInstanceClasses,
  type ResizeSettings,
} from '#domain/request/resize-settings';
import { allowedRungs, rungsBelow } from './ladder.ts';
import type { PeakReading, PeakUsage } from './types.ts';

export interface StepDownTarget {
  readonly targetClass: InstanceClass;
  readonly reason: string;
}

const GIB = 1024 ** 3;

const round = (value: number): number => Math.round(value * 100) / 100;

/** Resources the peak used on `fullLoadClass`, grown by the headroom. */
export const peakNeeds = (
  fullLoadClass: InstanceClass,
  peak: Pick<PeakUsage, 'cpuPercent' | 'freeableMemoryBytes' | 'swapUsageBytes' | 'cdcChangesPerSecond'>,
  settings: Pick<ResizeSettings, 'headroom' | 'cdcChangesPerVcpuSecond'>,
): { readonly vCpu: number; readonly memoryGiB: number } => {
  const spec = INSTANCE_CLASSES[fullLoadClass];
  const grow = 1 + settings.headroom;
  const cpuShare = Math.min(100, Math.max(0, peak.cpuPercent)) / 100;
  const applyVcpu = Math.max(0, peak.cdcChangesPerSecond) / settings.cdcChangesPerVcpuSecond;
  const freeGiB = Math.max(0, peak.freeableMemoryBytes) / GIB;
  // Swap is memory the instance needed and did not have: the smaller class must hold it too.
  const swapGiB = Math.max(0, peak.swapUsageBytes) / GIB;
  return {
    vCpu: Math.max(spec.vCpu * cpuShare, applyVcpu) * grow,
    memoryGiB: (Math.max(0, spec.memoryGiB - freeGiB) + swapGiB) * grow,
  };
};

/**
 * True when `rung` holds `needs` without tripping its own step-up alarms: the CPU stays under the step-up
 * threshold and the freeable memory above it, or the step-down would be followed at once by a step-up.
 */
const covers = (
  rung: InstanceClass,
  needs: { readonly vCpu: number; readonly memoryGiB: number },
  settings: ResizeSettings,
): boolean => {
  const spec = INSTANCE_CLASSES[rung];
  return (
    spec.vCpu * (settings.stepUp.cpuPercent / 100) >= needs.vCpu &&
    spec.memoryGiB * (1 - settings.stepUp.freeableMemoryPercent / 100) >= needs.memoryGiB
  );
};

const describePeak = (fullLoadClass: InstanceClass, peak: PeakUsage): string =>
  `peak ${round(peak.cpuPercent)}% CPU, ${round(peak.freeableMemoryBytes / GIB)} GiB freeable, ` +
  `${round(peak.swapUsageBytes / GIB)} GiB swap and ${round(peak.cdcChangesPerSecond)} changes/s arriving on ` +
  `${fullLoadClass} (${peak.datapoints} datapoints of ${peak.periodSeconds} s, ${peak.startTime} to ${peak.endTime})`;

export const stepDownTarget = (
  fullLoadClass: InstanceClass,
  settings: ResizeSettings,
  reading?: PeakReading,
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
  if (!reading?.found) {
    const oneBelow = rungsBelow(fullLoadClass, settings).at(-1) ?? smallest;
    const why = reading?.why ?? 'no peak was read';
    return {
      targetClass: oneBelow,
      reason: `auto without peak metrics (${why}): one rung below ${fullLoadClass}`,
    };
  }
  const { peak } = reading;
  const needs = peakNeeds(fullLoadClass, peak, settings);
  const covering = allowed.find((rung) => covers(rung, needs, settings));
  const needText = `${describePeak(fullLoadClass, peak)} needs ${round(needs.vCpu)} vCPU and ${round(needs.memoryGiB)} GiB with ${settings.headroom * 100}% headroom`;
  if (covering !== undefined && compareInstanceClasses(covering, fullLoadClass) <= 0) {
    return { targetClass: covering, reason: `auto: ${needText}; smallest rung covering it is ${covering}` };
  }
  const fallback = atMostFullLoad.at(-1) ?? smallest;
  return {
    targetClass: fallback,
    reason: `auto: ${needText}; no smaller rung covers it, keeping ${fallback}`,
  };
};
