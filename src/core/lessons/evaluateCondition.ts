/**
 * Whether a step's condition holds for the learner's graph and runs, and if not, what is
 * missing, in the learner's words. Pure: the app passes the graph store's document and the
 * runs store's records; tests pass plain objects.
 */
import type { GraphDocument } from '../document';
import { structureHash } from '../graphHash';
import { formatPercent } from '../util/format';
import {
  describePattern,
  matchPath,
  parseNodePattern,
  type NodePattern,
  type PathMatch,
} from './nodePattern';
import type { Condition, GraphSelector } from './schema';

/** What a condition may know of one run: a stored run record plus, when known, its graph. */
export interface RunFacts {
  id: string;
  status: 'completed' | 'aborted' | 'failed' | 'interrupted';
  structureHash: string;
  testAccuracy: number;
  validationAccuracy: number;
  /** Ticked for comparison in the runs table. */
  selected: boolean;
  /**
   * The graph the run trained, when the app still knows it (the current graph, a preset, a
   * graph trained in this session); a `{ has: … }` selector cannot match a run without one.
   */
  doc: GraphDocument | undefined;
}

export interface LessonContext {
  doc: GraphDocument;
  runs: readonly RunFacts[];
}

export interface ConditionResult {
  met: boolean;
  /** When not met: what is missing and what to do. When met: what holds. */
  hint: string;
}

/** Patterns of a path already validated by the schema; an invalid one would be a bug here. */
function patterns(path: readonly string[]): NodePattern[] {
  return path.map((text) => {
    const parsed = parseNodePattern(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  });
}

const chain = (path: readonly NodePattern[]) => path.map(describePattern).join(' → ');

/** `this graph`, `any graph`, `a graph with Input → Dense (units = 625)`. */
export function describeSelector(selector: GraphSelector): string {
  if (selector === 'current') return 'this graph';
  if (selector === 'any') return 'any graph';
  const path = patterns(selector.has);
  return path.length === 1 ? `a graph with a ${chain(path)} node` : `a graph with ${chain(path)}`;
}

/** The condition as a goal, read out with the step: `Goal: a run of this graph reaches 92%…`. */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'graphHas':
      return `the graph contains ${chain(patterns(condition.path))}, wired in that order`;
    case 'runReached':
      return `a run of ${describeSelector(condition.graph)} reaches ${formatPercent(condition.accuracy, 1)} ${condition.split} accuracy`;
    case 'runsCompared':
      return `runs of ${condition.graphs.map(describeSelector).join(' and of ')} are ticked for comparison in Results ▸ Runs`;
    case 'allOf':
      return condition.conditions.map(describeCondition).join('; and ');
  }
}

function pathHint(path: readonly NodePattern[], match: Exclude<PathMatch, { kind: 'complete' }>): string {
  const here = describePattern(path[match.index]!);
  const before = match.index > 0 ? describePattern(path[match.index - 1]!) : undefined;
  const after = match.index + 1 < path.length ? describePattern(path[match.index + 1]!) : undefined;
  switch (match.kind) {
    case 'missingNode': {
      const place =
        before && after
          ? ` between ${before} and ${after}`
          : before
            ? ` after ${before}`
            : after
              ? ` before ${after}`
              : '';
      return `No ${here} node${place} yet: drag one from the palette and wire it in.`;
    }
    case 'missingWire':
      return `${here} is on the canvas but not wired after ${before}: drag a wire from ${before}'s output to ${here}'s input.`;
    case 'wrongParams': {
      const changes = match.differences
        .map((d) => `${d.key} is ${JSON.stringify(d.actual) ?? 'unset'}, set it to ${String(d.wanted)}`)
        .join('; ');
      return `The ${describePattern({ ...path[match.index]!, params: new Map() })} node "${match.nodeId}" after ${before} is in place, but ${changes} (select it and use the inspector).`;
    }
  }
}

/** Whether `doc` contains the chain of patterns. */
export function graphHasPath(doc: GraphDocument, path: readonly string[]): boolean {
  return matchPath(doc, patterns(path)).kind === 'complete';
}

function runMatches(run: RunFacts, selector: GraphSelector, currentHash: string): boolean {
  if (selector === 'any') return true;
  if (selector === 'current') return run.structureHash === currentHash;
  return run.doc !== undefined && graphHasPath(run.doc, selector.has);
}

const counts = (run: RunFacts) => run.status !== 'failed';

function evaluateRunReached(
  condition: Extract<Condition, { kind: 'runReached' }>,
  ctx: LessonContext,
): ConditionResult {
  const currentHash = structureHash(ctx.doc);
  const accuracyOf = (r: RunFacts) => (condition.split === 'test' ? r.testAccuracy : r.validationAccuracy);
  const runs = ctx.runs.filter(
    (r) => counts(r) && Number.isFinite(accuracyOf(r)) && runMatches(r, condition.graph, currentHash),
  );
  const best = Math.max(...runs.map(accuracyOf));
  const target = formatPercent(condition.accuracy, 1);
  const what = describeSelector(condition.graph);
  if (best >= condition.accuracy)
    return {
      met: true,
      hint: `A run of ${what} reached ${formatPercent(best, 1)} ${condition.split} accuracy.`,
    };
  if (!runs.length) {
    const build = condition.graph !== 'current' && condition.graph !== 'any' ? 'build it, then ' : '';
    return {
      met: false,
      hint: `No run of ${what} yet: ${build}press ▶ Train and let the run finish (it needs ${target} ${condition.split} accuracy).`,
    };
  }
  // The goal, shown beside the hint, already spells out a long graph pattern.
  const short = typeof condition.graph === 'object' ? 'such a graph' : what;
  return {
    met: false,
    hint: `The best run of ${short} reached ${formatPercent(best, 1)} ${condition.split} accuracy; this step needs ${target}. Train for longer, or improve the network.`,
  };
}

/** Give each selector its own ticked run; report the first that gets none. */
function evaluateRunsCompared(
  condition: Extract<Condition, { kind: 'runsCompared' }>,
  ctx: LessonContext,
): ConditionResult {
  const currentHash = structureHash(ctx.doc);
  const used = new Set<string>();
  for (const selector of condition.graphs) {
    const what = describeSelector(selector);
    const pick = ctx.runs.find(
      (r) => r.selected && counts(r) && !used.has(r.id) && runMatches(r, selector, currentHash),
    );
    if (pick) {
      used.add(pick.id);
      continue;
    }
    const any = ctx.runs.some((r) => counts(r) && runMatches(r, selector, currentHash));
    return {
      met: false,
      hint: any
        ? `Tick a run of ${what} in Results ▸ Runs to compare it.`
        : `No run of ${what} in Results ▸ Runs yet: train one first.`,
    };
  }
  return { met: true, hint: 'The runs are side by side in Results ▸ Runs.' };
}

/** Evaluate a condition; `hint` says what is missing (or what holds). */
export function evaluateCondition(condition: Condition, ctx: LessonContext): ConditionResult {
  switch (condition.kind) {
    case 'graphHas': {
      const path = patterns(condition.path);
      const match = matchPath(ctx.doc, path);
      return match.kind === 'complete'
        ? { met: true, hint: `The graph has ${chain(path)}.` }
        : { met: false, hint: pathHint(path, match) };
    }
    case 'runReached':
      return evaluateRunReached(condition, ctx);
    case 'runsCompared':
      return evaluateRunsCompared(condition, ctx);
    case 'allOf': {
      const results = condition.conditions.map((c) => evaluateCondition(c, ctx));
      const unmet = results.find((r) => !r.met);
      return unmet ?? { met: true, hint: results.map((r) => r.hint).join(' ') };
    }
  }
}
