import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/core/document';
import { structureHash } from '../../../src/core/graphHash';
import {
  describeCondition,
  evaluateCondition,
  type RunFacts,
} from '../../../src/core/lessons/evaluateCondition';
import { parseLessonText } from '../../../src/core/lessons/lessonText';
import { matchPath, parseNodePattern } from '../../../src/core/lessons/nodePattern';
import { parseLesson, type Lesson } from '../../../src/core/lessons/parseLesson';
import { chain, loadPreset, node } from './fixtures';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tutorialText = readFileSync(`${root}lessons/tutorial.json`, 'utf8');

function tutorial(): Lesson {
  const parsed = parseLesson(tutorialText, 'tutorial.json');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The tutorial with one change to its JSON, for error messages. */
function edited(change: (raw: { steps: Record<string, unknown>[] } & Record<string, unknown>) => void) {
  const raw = JSON.parse(tutorialText) as { steps: Record<string, unknown>[] } & Record<string, unknown>;
  change(raw);
  return parseLesson(JSON.stringify(raw), 'my-lesson.json');
}

function run(doc: GraphDocument, testAccuracy: number, extra: Partial<RunFacts> = {}): RunFacts {
  return {
    id: `run-${Math.random()}`,
    status: 'completed',
    structureHash: structureHash(doc),
    testAccuracy,
    validationAccuracy: testAccuracy,
    selected: false,
    doc,
    ...extra,
  };
}

/** The graph a learner builds in step 2: the beginner's ids, a palette Dense and Sigmoid. */
function learnerHidden(units = 625): GraphDocument {
  const beginner = loadPreset('beginner');
  return chain(
    node('input', 'input', { layout: 'flat' }),
    node('dense2', 'dense', { units, useBias: true }),
    node('sigmoid', 'sigmoid'),
    beginner.nodes.find((n) => n.id === 'dense')!,
    node('softmax', 'softmax'),
    node('loss', 'loss', { loss: 'categoricalCrossentropy', reduction: 'sum' }),
  );
}

describe('lesson files', () => {
  it('every shipped lesson parses', () => {
    const files = readdirSync(`${root}lessons`).filter((f) => f.endsWith('.json'));
    expect(files).toContain('tutorial.json');
    for (const file of files) {
      const parsed = parseLesson(readFileSync(`${root}lessons/${file}`, 'utf8'), file);
      expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
    }
  });

  it("the README's example lesson parses", () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const example = /### Writing a lesson[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    const parsed = parseLesson(example ?? '', 'README example');
    expect(parsed.ok ? parsed.value.steps[0]!.condition : parsed.error).toEqual({
      kind: 'runReached',
      graph: 'current',
      accuracy: 0.9,
      split: 'test',
    });
  });

  it('the tutorial lesson has the five steps of the tutorial, starting from the presets', () => {
    const lesson = tutorial();
    expect(lesson.steps.map((s) => s.title)).toEqual([
      'The beginner network',
      'Add a hidden layer',
      'Train it to 96.6%',
      'Compare the two runs',
      'Convolutions: 99%',
    ]);
    expect(lesson.steps[0]!.start).toEqual({ preset: 'beginner' });
    expect(lesson.steps[4]!.start).toEqual({ preset: 'cnn' });
  });

  it('names the file, the step and the field of a mistake', () => {
    const badPattern = edited((raw) => {
      (raw.steps[1]!.condition as { path: string[] }).path[1] = 'dense(units=)';
    });
    expect(badPattern).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^my-lesson\.json: step 2 \("Add a hidden layer"\), field condition\.path\[1\]: "units=" in "dense\(units=\)" is not key=value/,
      ),
    });
    const typo = edited((raw) => {
      raw.steps[0]!.conditon = raw.steps[0]!.condition;
    });
    expect(typo.ok ? '' : typo.error).toMatch(
      /^my-lesson\.json: step 1 \("The beginner network"\).*conditon/,
    );
    const percent = edited((raw) => {
      (raw.steps[2]!.condition as { accuracy: number }).accuracy = 96;
    });
    expect(percent.ok ? '' : percent.error).toContain(
      'step 3 ("Train it to 96.6%"), field condition.accuracy: is a fraction: 0.96 for 96%',
    );
    const noTitle = edited((raw) => delete raw.title);
    expect(noTitle.ok ? '' : noTitle.error).toMatch(/^my-lesson\.json: field title: /);
  });

  it('checks an inline starting graph with the graph reader', () => {
    const good = edited((raw) => {
      raw.steps[0]!.start = { graph: loadPreset('hidden-layer') };
    });
    expect(good.ok && good.value.steps[0]!.start).toEqual({ graph: loadPreset('hidden-layer') });
    const bad = edited((raw) => {
      raw.steps[0]!.start = { graph: { ...loadPreset('beginner'), nodes: 'none' } };
    });
    expect(bad.ok ? '' : bad.error).toMatch(
      /^my-lesson\.json: step 1 \("The beginner network"\), field start\.graph: Invalid graph document: nodes/,
    );
  });

  it('refuses foreign files, newer versions and broken JSON, saying so', () => {
    expect(parseLesson(JSON.stringify(loadPreset('beginner')), 'beginner.json')).toEqual({
      ok: false,
      error:
        'beginner.json: not a Tensorweave lesson: "format" is "tensorweave-graph", expected "tensorweave-lesson".',
    });
    const newer = parseLesson(tutorialText.replace('"version": 1', '"version": 7'), 'next.json');
    expect(newer.ok ? '' : newer.error).toContain('newer Tensorweave (lesson version 7)');
    const broken = parseLesson('{"format": ', 'half.json');
    expect(broken.ok ? '' : broken.error).toMatch(/^half\.json is not valid JSON/);
  });
});

describe('node patterns and paths', () => {
  it('parses types and parameter values', () => {
    const p = parseNodePattern('loss(reduction=sum, useBias=true, units=625)');
    expect(p.ok && [p.value.type, [...p.value.params]]).toEqual([
      'loss',
      [
        ['reduction', 'sum'],
        ['useBias', true],
        ['units', 625],
      ],
    ]);
    expect(parseNodePattern('dense(units)').ok).toBe(false);
    expect(parseNodePattern('two words').ok).toBe(false);
  });

  it('finds where the chain breaks: a node, a wire or a parameter', () => {
    const path = ['input', 'dense(units=625)', 'sigmoid', 'dense(units=10)'].map((t) => {
      const p = parseNodePattern(t);
      if (!p.ok) throw new Error(p.error);
      return p.value;
    });
    expect(matchPath(loadPreset('beginner'), path)).toEqual({ kind: 'missingNode', index: 1 });
    expect(matchPath(learnerHidden(), path)).toEqual({ kind: 'complete' });
    expect(matchPath(loadPreset('hidden-layer'), path)).toEqual({ kind: 'complete' });
    expect(matchPath(learnerHidden(10), path)).toEqual({
      kind: 'wrongParams',
      index: 1,
      nodeId: 'dense2',
      differences: [{ key: 'units', actual: 10, wanted: 625 }],
    });
    const unwired = {
      ...learnerHidden(),
      edges: learnerHidden().edges.filter((e) => e.to.node !== 'sigmoid'),
    };
    expect(matchPath(unwired, path)).toEqual({ kind: 'missingWire', index: 2 });
  });
});

describe('conditions of the tutorial lesson', () => {
  const steps = tutorial().steps;
  const beginner = loadPreset('beginner');
  const hidden = learnerHidden();

  it('step 1 holds when a run of the current graph reached 92%', () => {
    const c = steps[0]!.condition;
    expect(evaluateCondition(c, { doc: beginner, runs: [] })).toEqual({
      met: false,
      hint: 'No run of this graph yet: press ▶ Train and let the run finish (it needs 92.0% test accuracy).',
    });
    expect(evaluateCondition(c, { doc: beginner, runs: [run(beginner, 0.887)] })).toEqual({
      met: false,
      hint: expect.stringContaining(
        'The best run of this graph reached 88.7% test accuracy; this step needs 92.0%.',
      ),
    });
    // A run of another network does not count for this one.
    expect(evaluateCondition(c, { doc: beginner, runs: [run(hidden, 0.97)] }).met).toBe(false);
    expect(evaluateCondition(c, { doc: beginner, runs: [run(beginner, 0.9237)] })).toEqual({
      met: true,
      hint: 'A run of this graph reached 92.4% test accuracy.',
    });
  });

  it('step 2 says what is missing until the hidden layer is wired in', () => {
    const c = steps[1]!.condition;
    expect(evaluateCondition(c, { doc: beginner, runs: [] })).toEqual({
      met: false,
      hint: 'No Dense (units = 625) node between Input and Sigmoid yet: drag one from the palette and wire it in.',
    });
    expect(evaluateCondition(c, { doc: learnerHidden(10), runs: [] }).hint).toBe(
      'The Dense node "dense2" after Input is in place, but units is 10, set it to 625 (select it and use the inspector).',
    );
    expect(evaluateCondition(c, { doc: hidden, runs: [] }).met).toBe(true);
    expect(evaluateCondition(c, { doc: loadPreset('hidden-layer'), runs: [] }).met).toBe(true);
  });

  it('step 3 advances with a run of the hidden-layer graph at 96% or more, not below', () => {
    const c = steps[2]!.condition;
    const short = run(hidden, 0.912);
    expect(evaluateCondition(c, { doc: hidden, runs: [short] })).toEqual({
      met: false,
      hint: 'The best run of such a graph reached 91.2% test accuracy; this step needs 96.0%. Train for longer, or improve the network.',
    });
    // A run whose graph is unknown (trained in another session) cannot be judged by its shape.
    expect(evaluateCondition(c, { doc: hidden, runs: [run(hidden, 0.97, { doc: undefined })] }).met).toBe(
      false,
    );
    // A failed run never counts, whatever it reports.
    expect(evaluateCondition(c, { doc: hidden, runs: [run(hidden, 0.97, { status: 'failed' })] }).met).toBe(
      false,
    );
    expect(evaluateCondition(c, { doc: beginner, runs: [short, run(hidden, 0.9663)] })).toEqual({
      met: true,
      hint: expect.stringContaining('reached 96.6% test accuracy'),
    });
  });

  it('step 4 needs a ticked run of each network', () => {
    const c = steps[3]!.condition;
    const a = run(beginner, 0.92);
    const b = run(hidden, 0.966);
    expect(evaluateCondition(c, { doc: hidden, runs: [b] }).hint).toMatch(
      /^No run of a graph with Input → Dense \(units = 10\)/,
    );
    expect(evaluateCondition(c, { doc: hidden, runs: [a, b] }).hint).toMatch(
      /^Tick a run of a graph with Input → Dense \(units = 10\)/,
    );
    expect(evaluateCondition(c, { doc: hidden, runs: [{ ...a, selected: true }, b] }).hint).toMatch(
      /^Tick a run of a graph with Input → Dense \(units = 625\)/,
    );
    expect(
      evaluateCondition(c, {
        doc: hidden,
        runs: [
          { ...a, selected: true },
          { ...b, selected: true },
        ],
      }).met,
    ).toBe(true);
  });

  it('step 5 holds for any graph with a conv2d node that reached 99%', () => {
    const c = steps[4]!.condition;
    const cnn = chain(node('input', 'input', { layout: 'image' }), node('conv', 'conv2d', { filters: 32 }));
    expect(evaluateCondition(c, { doc: beginner, runs: [run(hidden, 0.995)] }).hint).toBe(
      'No run of a graph with a Conv2D node yet: build it, then press ▶ Train and let the run finish (it needs 99.0% test accuracy).',
    );
    expect(evaluateCondition(c, { doc: beginner, runs: [run(cnn, 0.985)] }).met).toBe(false);
    expect(evaluateCondition(c, { doc: beginner, runs: [run(cnn, 0.991)] }).met).toBe(true);
  });

  it('reads each goal out in words', () => {
    expect(steps.map((s) => describeCondition(s.condition))).toEqual([
      'a run of this graph reaches 92.0% test accuracy',
      'the graph contains Input → Dense (units = 625) → Sigmoid → Dense (units = 10) → Softmax → Loss, wired in that order',
      'a run of a graph with Input → Dense (units = 625) → Sigmoid → Dense (units = 10) → Softmax → Loss reaches 96.0% test accuracy',
      'runs of a graph with Input → Dense (units = 10) → Softmax → Loss and of a graph with Input → Dense (units = 625) → Sigmoid → Dense (units = 10) → Softmax → Loss are ticked for comparison in Results ▸ Runs',
      'a run of a graph with a Conv2D node reaches 99.0% test accuracy',
    ]);
  });

  it('allOf holds only when every part holds, and hints at the first that does not', () => {
    const both = { kind: 'allOf' as const, conditions: [steps[1]!.condition, steps[2]!.condition] };
    expect(evaluateCondition(both, { doc: beginner, runs: [] }).hint).toMatch(/^No Dense \(units = 625\)/);
    expect(evaluateCondition(both, { doc: hidden, runs: [] }).hint).toMatch(/^No run of a graph with/);
    expect(evaluateCondition(both, { doc: hidden, runs: [run(hidden, 0.97)] }).met).toBe(true);
  });
});

describe('lesson text', () => {
  it('renders the Markdown subset as data, and markup as plain text', () => {
    expect(parseLessonText('One **bold** and *em* with `code`.\n\n- first\n- second <b>x</b>')).toEqual([
      {
        kind: 'paragraph',
        spans: [
          { kind: 'text', text: 'One ' },
          { kind: 'strong', text: 'bold' },
          { kind: 'text', text: ' and ' },
          { kind: 'em', text: 'em' },
          { kind: 'text', text: ' with ' },
          { kind: 'code', text: 'code' },
          { kind: 'text', text: '.' },
        ],
      },
      {
        kind: 'list',
        items: [[{ kind: 'text', text: 'first' }], [{ kind: 'text', text: 'second <b>x</b>' }]],
      },
    ]);
  });
});
