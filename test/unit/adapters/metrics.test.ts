import { afterEach, describe, expect, it, vi } from 'vitest';

// Metrics are configured when the adapter loads: on, and written through the global console where a test sees them.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_DEV = 'true';
});

const { publishMetrics } = await import('#adapters/metrics');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('publishMetrics', () => {
  it('writes each point as one embedded-metric-format line in the lakeshift namespace, with its dimensions and metadata', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });

    // Act
    publishMetrics([
      {
        name: 'PhaseEntered',
        unit: 'Count',
        value: 1,
        dimensions: { Phase: 'CDC' },
        metadata: { databaseId: 'orders' },
      },
      { name: 'FullLoadSeconds', unit: 'Seconds', value: 3600, dimensions: { MigrationId: 'shop' } },
    ]);

    // Assess
    const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'lakeshift',
            Dimensions: [expect.arrayContaining(['Phase'])],
            Metrics: [{ Name: 'PhaseEntered', Unit: 'Count' }],
          },
        ],
      },
      Phase: 'CDC',
      PhaseEntered: 1,
      databaseId: 'orders',
    });
    expect(documents[1]).toMatchObject({ MigrationId: 'shop', FullLoadSeconds: 3600 });
  });
});
