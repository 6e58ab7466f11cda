/**
 * A lesson file (`lessons/*.json`): its zod schema and types. A lesson is a list of steps; each
 * step has a text (a small Markdown subset, see `lessonText.ts`), an optional starting graph
 * and a condition on the learner's graph or runs that says when the step is done.
 *
 * The condition language, smallest first:
 * - `graphHas`: the graph contains a chain of directly wired nodes, each given as a node
 *   pattern (`nodePattern.ts`): `{"kind":"graphHas","path":["input","dense(units=625)","sigmoid"]}`.
 * - `runReached`: a run of a graph reached a test (or validation) accuracy:
 *   `{"kind":"runReached","graph":"current","accuracy":0.92}`. `graph` is `"current"` (the
 *   network on the canvas now), `"any"`, or `{"has": [patterns]}` (a graph containing that chain).
 * - `runsCompared`: runs of each listed graph are ticked for comparison in Results ▸ Runs, one
 *   distinct run per entry: `{"kind":"runsCompared","graphs":[{"has":["…"]},{"has":["…"]}]}`.
 * - `allOf`: every one of `conditions` holds.
 */
import { z } from 'zod';
import { LIMITS } from '../limits';
import { parseNodePattern } from './nodePattern';

/** The format tag every lesson file carries, so a graph opened as a lesson is recognised. */
export const LESSON_FORMAT = 'tensorweave-lesson';
export const LESSON_VERSION = 1;

const zPattern = z
  .string()
  .max(200)
  .superRefine((text, ctx) => {
    const parsed = parseNodePattern(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

const zPath = z.array(zPattern).min(1, 'must name at least one node').max(32);

export const zGraphSelector = z.union([
  z.literal('current'),
  z.literal('any'),
  z.strictObject({ has: zPath }),
]);
/** Which runs a run condition looks at: by the network they trained. */
export type GraphSelector = z.infer<typeof zGraphSelector>;

/** A step's condition (see the file comment for the language). */
export type Condition =
  | { kind: 'graphHas'; path: string[] }
  | { kind: 'runReached'; graph: GraphSelector; accuracy: number; split: 'test' | 'validation' }
  | { kind: 'runsCompared'; graphs: GraphSelector[] }
  | { kind: 'allOf'; conditions: Condition[] };

export const zCondition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('graphHas'), path: zPath }),
    z.strictObject({
      kind: z.literal('runReached'),
      graph: zGraphSelector,
      accuracy: z.number().gt(0, 'must be above 0').max(1, 'is a fraction: 0.96 for 96%'),
      split: z.enum(['test', 'validation']).default('test'),
    }),
    z.strictObject({
      kind: z.literal('runsCompared'),
      graphs: z.array(zGraphSelector).min(2, 'must list at least two graphs to compare').max(8),
    }),
    z.strictObject({
      kind: z.literal('allOf'),
      conditions: z.array(zCondition).min(1).max(16),
    }),
  ]),
) as z.ZodType<Condition>;

/** Where a step starts: a shipped preset by name, or a graph document written inline. */
export const zStart = z.union([
  z.strictObject({ preset: z.string().min(1).max(64) }),
  z.strictObject({ graph: z.unknown() }),
]);

export const zLessonStep = z.strictObject({
  title: z.string().min(1).max(120),
  /** What the learner reads: the Markdown subset of `lessonText.ts`. */
  text: z.string().min(1).max(4000),
  start: zStart.optional(),
  condition: zCondition,
  /** Advice shown with the computed hint (what is missing), when the learner asks. */
  hint: z.string().max(1000).optional(),
  /** Shown once the condition holds: why it worked. */
  done: z.string().max(4000).optional(),
});

export const zLesson = z.strictObject({
  format: z.literal(LESSON_FORMAT),
  version: z.literal(LESSON_VERSION),
  title: z.string().min(1).max(120),
  description: z.string().max(1000).default(''),
  steps: z
    .array(zLessonStep)
    .min(1, 'must have at least one step')
    .max(LIMITS.lessonSteps, `must have at most ${LIMITS.lessonSteps} steps`),
});

/** A step as its file states it; `parseLesson` then checks an inline starting graph. */
export type LessonFileStep = z.infer<typeof zLessonStep>;
export type LessonFile = z.infer<typeof zLesson>;
