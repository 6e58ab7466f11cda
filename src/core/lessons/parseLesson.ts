/**
 * Reading a lesson file from untrusted text. Every refusal is one sentence that names the
 * file, the step (number and title) and the field, so a teacher can find the mistake.
 */
import type { z } from 'zod';
import type { GraphDocument } from '../document';
import { LIMITS } from '../limits';
import { parseDocument } from '../parseDocument';
import { err, ok, type Result } from '../result';
import { parseBoundedJson } from '../util/boundedJson';
import { LESSON_FORMAT, LESSON_VERSION, zLesson, type LessonFile, type LessonFileStep } from './schema';

/** Where a step begins: a preset by name (it may not ship in this build), or a checked graph. */
export type StepStart = { preset: string } | { graph: GraphDocument };

export interface LessonStep extends Omit<LessonFileStep, 'start'> {
  start?: StepStart;
}

/** A lesson ready to run: the file's content with inline graphs parsed. */
export interface Lesson extends Omit<LessonFile, 'steps'> {
  steps: LessonStep[];
}

/** `condition.path[1]` from a zod path inside a step. */
function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/** `step 2 ("Add a hidden layer"), field condition.path[1]` or `field title`. */
function where(raw: unknown, path: readonly PropertyKey[]): string {
  const [top, index, ...rest] = path;
  if (top === 'steps' && typeof index === 'number') {
    const steps = (raw as { steps?: unknown }).steps;
    const title = Array.isArray(steps) ? (steps[index] as { title?: unknown } | undefined)?.title : undefined;
    const named = typeof title === 'string' ? ` ("${title.slice(0, 60)}")` : '';
    return `step ${index + 1}${named}${rest.length ? `, field ${fieldName(rest)}` : ''}`;
  }
  return path.length ? `field ${fieldName(path)}` : 'the top level';
}

function issueText(raw: unknown, issue: z.core.$ZodIssue): string {
  return `${where(raw, issue.path)}: ${issue.message}`;
}

/**
 * Parse a lesson from its text. `file` names it in messages (`tutorial.json`). Refuses other
 * formats, newer versions, unknown fields (a misspelt `conditon` is caught), bad node patterns
 * and invalid inline graphs; never throws.
 */
export function parseLesson(text: string, file: string): Result<Lesson> {
  const json = parseBoundedJson(text, { maxChars: LIMITS.lessonBytes, what: file });
  if (!json.ok) return json;
  const raw = json.value;
  const fail = (message: string) => err(`${file}: ${message}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('expected a JSON object with "format": "tensorweave-lesson".');
  const { format, version } = raw as { format?: unknown; version?: unknown };
  if (format !== LESSON_FORMAT)
    return fail(
      `not a Tensorweave lesson: "format" is ${JSON.stringify(format) ?? 'missing'}, expected "${LESSON_FORMAT}".`,
    );
  if (typeof version === 'number' && version > LESSON_VERSION)
    return fail(
      `written for a newer Tensorweave (lesson version ${version}); this one reads version ${LESSON_VERSION}.`,
    );
  const parsed = zLesson.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const more =
      issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    return fail(`${issueText(raw, issues[0]!)}${more}.`);
  }
  const steps: LessonStep[] = [];
  for (const [i, step] of parsed.data.steps.entries()) {
    const { start, ...rest } = step;
    if (!start) {
      steps.push(rest);
      continue;
    }
    if ('preset' in start) {
      steps.push({ ...rest, start: { preset: start.preset } });
      continue;
    }
    const graph = parseDocument(start.graph);
    if (!graph.ok) return fail(`${where(raw, ['steps', i, 'start', 'graph'])}: ${graph.error}`);
    steps.push({ ...rest, start: { graph: graph.value } });
  }
  return ok({ ...parsed.data, steps });
}
