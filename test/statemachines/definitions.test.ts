import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { FAIL_STATE_ERRORS } from '#contracts/errors';
import {
  HANDLER_NAMES,
  type HandlerName,
  handlerArnPlaceholder,
  isSourceHandler,
  STATE_MACHINE_NAMES,
  sourceFunctionArnPatternPlaceholder,
  stateMachineDefinitionPath,
} from '#contracts/names';
import { RULES } from '#contracts/wiring';
import { definitionSubstitutions, localStackNames, readStateMachineDefinition } from '#local/stack';

/** asl-validator ships no type declarations. */
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

type State = StateMachineDefinition['States'][string];

/** Every state of a definition, nested Map and Parallel states included, as [name, state] pairs. */
const allStates = (definition: Pick<StateMachineDefinition, 'States'>): [string, State][] =>
  Object.entries(definition.States).flatMap(([name, state]) => {
    const nested: Pick<StateMachineDefinition, 'States'>[] = [];
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor) nested.push(processor);
    }
    if (state.Type === 'Parallel') nested.push(...state.Branches);
    return [[name, state] as [string, State], ...nested.flatMap(allStates)];
  });

/** The local stack's names: the definitions as deployed locally, placeholders substituted. */
const names = localStackNames();
const substitutions = definitionSubstitutions(names);
const definitions = await Promise.all(
  STATE_MACHINE_NAMES.map(async (name) => ({
    name,
    definition: JSON.parse(await readStateMachineDefinition(name, names)) as StateMachineDefinition,
  })),
);
const rawText = async (name: string) =>
  readFile(
    new URL(
      `../../${stateMachineDefinitionPath(name as (typeof STATE_MACHINE_NAMES)[number])}`,
      import.meta.url,
    ),
    'utf8',
  );

const tasks = (states: [string, State][]) =>
  states.flatMap(([stateName, state]) => (state.Type === 'Task' ? [[stateName, state] as const] : []));

const isLambda = (state: { Resource: string }) => state.Resource.startsWith('arn:aws:states:::lambda:invoke');

const parameters = (state: State): Record<string, unknown> =>
  'Parameters' in state && typeof state.Parameters === 'object' && state.Parameters !== null
    ? (state.Parameters as Record<string, unknown>)
    : {};

describe.each(definitions)('State machine definition: $name', ({ name, definition }) => {
  const states = allStates(definition);

  it('passes asl-validator, placeholders and all', async () => {
    // Act
    const substituted = aslValidator(definition);
    const raw = aslValidator(JSON.parse(await rawText(name)));
    // Assess
    expect(substituted.errorsText('\n')).toBe('');
    expect(substituted.isValid).toBe(true);
    expect(raw.isValid).toBe(true);
  });

  it('names every state uniquely across the whole machine, nested states included', () => {
    // Act
    const names = states.map(([stateName]) => stateName);
    // Assess
    expect(names.filter((stateName, index) => names.indexOf(stateName) !== index)).toEqual([]);
  });

  it('uses JSONPath only: no JSONata, no variables', async () => {
    // Act
    const text = await rawText(name);
    // Assess
    for (const field of ['"QueryLanguage"', '"Assign"', '"Arguments"', '"Output"', '{%']) {
      expect(text).not.toContain(field);
    }
  });

  it('passes the state-entered time as `now` to every Lambda', () => {
    // Act
    const payloads = tasks(states)
      .filter(([, state]) => isLambda(state))
      .map(([stateName, state]) => [stateName, parameters(state).Payload] as const);
    // Assess
    expect(payloads.length).toBeGreaterThan(0);
    for (const [stateName, payload] of payloads) {
      expect({ stateName, now: (payload as Record<string, unknown>)['now.$'] }).toEqual({
        stateName,
        now: '$$.State.EnteredTime',
      });
    }
  });

  it('ends every failure in a named Fail state', () => {
    // Act
    const errors = states.flatMap(([, state]) => (state.Type === 'Fail' ? [state.Error] : []));
    // Assess
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(Object.values(FAIL_STATE_ERRORS)).toContain(error);
  });

  it('bounds every poll loop with an attempt counter that leads to a give-up', () => {
    // Prepare
    const byName = new Map(states);
    const loops = states.filter(
      ([, state]) =>
        state.Type === 'Choice' &&
        [state.Default, ...state.Choices.map((choice) => choice.Next)].some(
          (next) => byName.get(next ?? '')?.Type === 'Wait',
        ),
    );
    // Assess
    for (const [stateName, state] of loops) {
      if (state.Type !== 'Choice') continue;
      const guard = state.Choices.find(
        (choice) =>
          'Variable' in choice &&
          choice.Variable === '$.probe.attempt' &&
          'NumericGreaterThanEquals' in choice,
      );
      // A give-up is recorded as a failure, or, between stopping a task and seeing it run again (a retry's stop
      // before the step-down included), resumes CDC.
      expect({ stateName, giveUp: guard?.Next }).toEqual({
        stateName,
        giveUp: expect.stringMatching(
          /^(GaveUpWaiting|ResizeGaveUpWaiting|MarkResumePending|StopForStepDownGaveUp)$/,
        ),
      });
    }
    const probes = tasks(states).filter(([, state]) =>
      JSON.stringify(state.Parameters).includes('describe-resources'),
    );
    for (const [, probe] of probes) {
      expect((parameters(probe).Payload as Record<string, unknown>)['attempt.$']).toBe(
        'States.MathAdd($.probe.attempt, 1)',
      );
    }
  });

  it('bounds every token wait by progress: a HeartbeatSeconds, and no overall TimeoutSeconds', () => {
    // Act
    const tokenWaits = tasks(states).filter(([, state]) => state.Resource.endsWith('.waitForTaskToken'));
    // Assess
    for (const [, state] of tokenWaits) {
      const bounds = state as { TimeoutSeconds?: number; HeartbeatSeconds?: number };
      expect(bounds.TimeoutSeconds).toBeUndefined();
      expect(bounds.HeartbeatSeconds).toBeGreaterThan(0);
    }
  });
});

describe('State machine definitions together', () => {
  it('invoke only known handlers, and every handler a state machine needs', () => {
    // Act
    const invoked = new Set(
      definitions.flatMap(({ definition }) =>
        tasks(allStates(definition)).flatMap(([, state]) => {
          const target = parameters(state).FunctionName;
          const byNetwork = parameters(state)['FunctionName.$'];
          return HANDLER_NAMES.filter((handler) =>
            isSourceHandler(handler)
              ? typeof byNetwork === 'string' &&
                byNetwork.startsWith(
                  `States.Format('${substitutions[sourceFunctionArnPatternPlaceholder(handler)]}', $.`,
                )
              : names.functionArns[handler] === target,
          );
        }),
      ),
    );
    // Assess: the event-driven handlers are started by EventBridge rules, not by a state machine.
    const eventDriven: HandlerName[] = RULES.flatMap((rule) =>
      rule.target.kind === 'handler' ? [rule.target.name] : [],
    );
    expect([...invoked].sort()).toEqual(
      HANDLER_NAMES.filter((handler) => !eventDriven.includes(handler)).sort(),
    );
  });

  it('write handler ARNs only as substitution placeholders', async () => {
    // Act
    const texts = await Promise.all(STATE_MACHINE_NAMES.map(rawText));
    // Assess
    const placeholders = new Set(
      texts.flatMap((text) => [...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1])),
    );
    expect([...placeholders].every((placeholder) => /Arn(Pattern)?$/.test(placeholder ?? ''))).toBe(true);
    expect(placeholders.has(handlerArnPlaceholder('plan-database'))).toBe(true);
    expect(texts.join('\n')).not.toMatch(/arn:aws:lambda:/);
  });
});
