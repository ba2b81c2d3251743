import { describe, expect, it } from 'vitest';
import { peakReadingOf, peakWindowOf } from '#domain/resize/peak-window';

const NOW = '2026-03-01T12:00:00.000Z';

describe('peakWindowOf', () => {
  it("runs from the full load's start to the task's stop, widened to whole minutes", () => {
    // Act
    const window = peakWindowOf(
      {
        StartDate: new Date('2026-03-01T09:59:00Z'),
        FullLoadStartDate: new Date('2026-03-01T10:00:30Z'),
        FullLoadFinishDate: new Date('2026-03-01T10:40:00Z'),
        StopDate: new Date('2026-03-01T10:41:10Z'),
      },
      NOW,
    );

    // Assess
    expect(window).toEqual({
      found: true,
      startTime: '2026-03-01T10:00:00.000Z',
      endTime: '2026-03-01T10:42:00.000Z',
      fullLoadSeconds: 2370,
    });
  });

  it("takes the task's start when DMS gives no full-load start, and the decision time when it has not stopped", () => {
    // Act
    const window = peakWindowOf({ StartDate: new Date('2026-03-01T11:00:00Z') }, NOW);

    // Assess
    expect(window).toEqual({
      found: true,
      startTime: '2026-03-01T11:00:00.000Z',
      endTime: '2026-03-01T12:01:00.000Z',
      fullLoadSeconds: 3600,
    });
  });

  it('says why there is no window when the statistics give no start', () => {
    // Act
    const window = peakWindowOf({ StopDate: new Date('2026-03-01T11:00:00Z') }, NOW);

    // Assess
    expect(window).toEqual({
      found: false,
      why: 'DescribeReplicationTasks reported neither FullLoadStartDate nor StartDate for the task',
    });
  });
});

describe('peakReadingOf', () => {
  const window = {
    startTime: '2026-03-01T10:00:00.000Z',
    endTime: '2026-03-01T11:00:00.000Z',
    fullLoadSeconds: 600,
  };

  it('counts missing swap and apply-rate datapoints as zero', () => {
    // Act
    const reading = peakReadingOf({ cpu: [3, 9], freeable_memory: [5e9, 4e9] }, window, 'ri');

    // Assess
    expect(reading).toMatchObject({
      found: true,
      peak: {
        cpuPercent: 9,
        freeableMemoryBytes: 4e9,
        swapUsageBytes: 0,
        cdcChangesPerSecond: 0,
        datapoints: 2,
      },
    });
  });

  it('names the metric that has no datapoints', () => {
    // Act
    const reading = peakReadingOf({ cpu: [3], freeable_memory: [] }, window, 'RI');

    // Assess
    expect(reading).toEqual({
      found: false,
      why: 'CloudWatch holds no FreeableMemory datapoints for ri between 2026-03-01T10:00:00.000Z and 2026-03-01T11:00:00.000Z',
      startTime: window.startTime,
      endTime: window.endTime,
    });
  });

  it('divides the most changes DMS cached by the time the full load ran', () => {
    // Act
    const reading = peakReadingOf(
      { cpu: [3], freeable_memory: [5e9], cdc_cached: [100, 30_000] },
      window,
      'ri',
    );

    // Assess
    expect(reading).toMatchObject({ found: true, peak: { cdcChangesPerSecond: 50 } });
  });
});
