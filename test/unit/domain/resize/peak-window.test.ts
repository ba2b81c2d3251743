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
      fullLoadEndTime: '2026-03-01T10:41:00.000Z',
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
      fullLoadEndTime: '2026-03-01T12:01:00.000Z',
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
    fullLoadEndTime: '2026-03-01T10:10:00.000Z',
  };
  /** Datapoints one minute apart from the window's start. */
  const points = (...values: number[]) =>
    values.map((value, index) => ({ at: Date.parse(window.startTime) + index * 60_000, value }));

  it('counts missing swap and cached-change datapoints as zero', () => {
    // Act
    const reading = peakReadingOf({ cpu: points(3, 9), freeable_memory: points(5e9, 4e9) }, window, 'ri');

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

  it('reads CPU up to the end of the full load only, memory over the whole window', () => {
    // Prepare: the busy minutes after the tenth are the cached changes drained at full speed.
    const cpu = points(...Array.from({ length: 10 }, () => 20), 95, 95);
    const memory = points(...Array.from({ length: 11 }, () => 8e9), 6e9);

    // Act
    const reading = peakReadingOf({ cpu, freeable_memory: memory }, window, 'ri');

    // Assess
    expect(reading).toMatchObject({
      found: true,
      peak: { cpuPercent: 20, freeableMemoryBytes: 6e9, datapoints: 10 },
    });
  });

  it('divides the most changes DMS cached by the time the full load ran', () => {
    // Act
    const reading = peakReadingOf(
      { cpu: points(3), freeable_memory: points(5e9), cdc_cached: points(100, 30_000) },
      window,
      'ri',
    );

    // Assess
    expect(reading).toMatchObject({ found: true, peak: { cdcChangesPerSecond: 50 } });
  });

  it('names the metric that has no datapoints', () => {
    // Act
    const reading = peakReadingOf({ cpu: points(3), freeable_memory: [] }, window, 'RI');

    // Assess
    expect(reading).toEqual({
      found: false,
      why: 'CloudWatch holds no FreeableMemory datapoints for ri between 2026-03-01T10:00:00.000Z and 2026-03-01T11:00:00.000Z',
      startTime: window.startTime,
      endTime: window.endTime,
    });
  });
});
