import { describe, expect, it } from 'vitest';
import { importCycles, importsOf, typeScriptFilesUnder } from '../import-graph.ts';

describe('the DMS emulator (local/dms)', () => {
  it('has no import cycle among its modules, type-only imports included', () => {
    // Prepare
    const files = typeScriptFilesUnder('local/dms');

    // Act
    const cycles = importCycles(files);

    // Assess
    expect(files).toContain('local/dms/lifecycle/lifecycle.ts');
    expect(cycles.map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps resources/ to validating and answering: no resource module imports the timers or the task runner', () => {
    // Prepare
    const resources = typeScriptFilesUnder('local/dms/resources');
    const lifecycleInternals = ['local/dms/lifecycle/timers.ts', 'local/dms/lifecycle/scope.ts'];

    // Act
    const reaching = resources.filter((file) =>
      importsOf(file).some((target) => lifecycleInternals.includes(target)),
    );

    // Assess
    expect(reaching).toEqual([]);
  });

  it('injects faults into the lifecycle only through the hooks: no lifecycle module reads fault rules', () => {
    // Prepare
    const lifecycle = typeScriptFilesUnder('local/dms/lifecycle');
    const faultRules = ['local/dms/faults/injector.ts', 'local/dms/faults/config.ts'];

    // Act
    const reading = lifecycle.filter((file) => importsOf(file).some((target) => faultRules.includes(target)));

    // Assess
    expect(reading).toEqual([]);
  });
});

describe('importCycles', () => {
  it('finds the cycle of two modules that import each other, and none in a chain', () => {
    // Prepare
    const graph: Record<string, string[]> = {
      'context.ts': ['records.ts', 'task-runner.ts'],
      'task-runner.ts': ['context.ts'],
      'records.ts': [],
      'chain-a.ts': ['chain-b.ts'],
      'chain-b.ts': ['records.ts'],
    };

    // Act
    const cycles = importCycles(Object.keys(graph), (file) => graph[file] ?? []);

    // Assess
    expect(cycles).toEqual([['context.ts', 'task-runner.ts', 'context.ts']]);
  });
});
