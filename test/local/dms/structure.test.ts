import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findImportCycles, importEdgesUnder } from '#test/import-graph';

const ROOT = process.cwd();

/** The repository-relative files each module under `folder` imports. */
const importsUnder = (folder: string) =>
  importEdgesUnder(resolve(ROOT, folder), ROOT).map((edge) => ({
    from: relative(ROOT, edge.from),
    to: relative(ROOT, edge.to),
  }));

describe('the DMS emulator (local/dms)', () => {
  it('has no import cycle among its modules, type-only imports included', () => {
    // Act
    const cycles = findImportCycles(resolve(ROOT, 'local/dms'), ROOT);

    // Assess
    expect(cycles.map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps resources/ to validating and answering: they reach the lifecycle through its one module and the table only', () => {
    // Prepare
    // The maintenance window's format is validated by ModifyReplicationInstance too.
    const allowed = [
      'local/dms/lifecycle/lifecycle.ts',
      'local/dms/lifecycle/task-transitions.ts',
      'local/dms/lifecycle/maintenance-window.ts',
    ];

    // Act
    const intoLifecycle = importsUnder('local/dms')
      .filter(
        (edge) => !edge.from.startsWith('local/dms/lifecycle/') && edge.to.startsWith('local/dms/lifecycle/'),
      )
      .filter((edge) => edge.from !== 'local/dms/emulator.ts');

    // Assess
    expect(intoLifecycle.length).toBeGreaterThan(0);
    expect(intoLifecycle.filter((edge) => !allowed.includes(edge.to))).toEqual([]);
  });

  it('injects faults into the lifecycle only through the hooks: no lifecycle module reads fault rules', () => {
    // Prepare
    const faultRules = ['local/dms/faults/injector.ts', 'local/dms/faults/config.ts'];

    // Act
    const edges = importsUnder('local/dms/lifecycle');

    // Assess
    expect(edges.some((edge) => edge.to === 'local/dms/faults/task-hooks.ts')).toBe(true);
    expect(edges.filter((edge) => faultRules.includes(edge.to))).toEqual([]);
  });
});
