/** A peak measured over one hour of one-minute datapoints, for tests; give the figures a test is about. */
import type { PeakReading, PeakUsage } from '#domain/resize/types';

export const measuredPeak = (figures: Partial<PeakUsage>): PeakReading => ({
  found: true,
  peak: {
    cpuPercent: 0,
    freeableMemoryBytes: 0,
    swapUsageBytes: 0,
    cdcChangesPerSecond: 0,
    startTime: '2026-03-01T10:00:00.000Z',
    endTime: '2026-03-01T11:00:00.000Z',
    periodSeconds: 60,
    datapoints: 60,
    ...figures,
  },
});
