/**
 * The mapping from a graph document (plus its analysis) to what the canvas draws: one view
 * model per node and per edge. Pure, so the document↔editor mapping is unit-tested without a
 * browser; `syncPlan` only diffs these against what is on screen.
 */
import type { GraphAnalysis } from '../core/analyze';
import type { GraphDocument, Position } from '../core/document';
import type { NodeCategory } from '../core/nodeSpec';
import { getNodeSpec } from '../core/registry';
import { formatShape } from '../core/shape';

export interface PortView {
  id: string;
  label: string;
  multiple: boolean;
}

export interface ProblemView {
  severity: 'error' | 'warning';
  message: string;
}

export interface NodeViewModel {
  id: string;
  type: string;
  title: string;
  /** Second line: the id, and the type when a label hides it. */
  subtitle: string;
  category: NodeCategory | 'unknown';
  inputs: PortView[];
  outputs: PortView[];
  paramCount: number;
  /** `?×784`, `scalar` for the loss; undefined when it cannot be inferred. */
  outputShape: string | undefined;
  problems: ProblemView[];
  position: Position;
  width: number;
  height: number;
}

export interface EdgeViewModel {
  id: string;
  source: string;
  sourceOutput: string;
  target: string;
  targetInput: string;
  /** Tensor shape carried, `?×784`; undefined when unknown. */
  label: string | undefined;
}

export interface EditorModel {
  nodes: NodeViewModel[];
  edges: EdgeViewModel[];
}

/** Node geometry, shared with the node component's CSS so sizes match what is drawn. */
export const NODE_WIDTH = 184;
export const NODE_HEADER = 36;
export const NODE_SUBTITLE = 22;
export const PORT_ROW = 26;
export const NODE_PADDING = 10;
export const PROBLEM_STRIP = 48;

export function nodeHeight(rows: number, hasProblems: boolean): number {
  return (
    NODE_HEADER +
    NODE_SUBTITLE +
    Math.max(rows, 1) * PORT_ROW +
    NODE_PADDING +
    (hasProblems ? PROBLEM_STRIP : 0)
  );
}

/** Compact parameter count for the badge: 7,850 → `7.9k`, 496,885 → `497k`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  // Rounded on integers first: 7850 / 1000 is 7.8499… in floating point.
  if (n < 1e4) return `${(Math.round(n / 100) / 10).toFixed(1)}k`;
  if (n < 1e6) return `${Math.round(n / 1e3)}k`;
  if (n < 1e7) return `${(Math.round(n / 1e4) / 100).toFixed(2)}M`;
  return `${(Math.round(n / 1e5) / 10).toFixed(1)}M`;
}

/** What the canvas should show for this document. */
export function toEditorModel(doc: GraphDocument, analysis: GraphAnalysis): EditorModel {
  const problems = new Map<string, ProblemView[]>();
  for (const d of analysis.diagnostics) {
    if (d.nodeId === undefined) continue;
    const list = problems.get(d.nodeId) ?? [];
    list.push({ severity: d.severity, message: d.message });
    problems.set(d.nodeId, list);
  }
  const seen = new Set<string>();
  const nodes: NodeViewModel[] = [];
  for (const node of doc.nodes) {
    if (seen.has(node.id)) continue; // a duplicated id is a diagnostic, shown once
    seen.add(node.id);
    const spec = getNodeSpec(node.type);
    const info = analysis.nodes.get(node.id);
    let inputs: PortView[];
    let outputs: PortView[];
    if (spec) {
      inputs = spec.inputs.map((p) => ({ id: p.id, label: p.label, multiple: Boolean(p.multiple) }));
      outputs = spec.outputs.map((p) => ({ id: p.id, label: p.label, multiple: true }));
    } else {
      // Unknown type: show the ports its edges use, so nothing silently disappears.
      const ins = new Set(doc.edges.filter((e) => e.to.node === node.id).map((e) => e.to.port));
      const outs = new Set(doc.edges.filter((e) => e.from.node === node.id).map((e) => e.from.port));
      inputs = [...ins].map((id) => ({ id, label: id, multiple: false }));
      outputs = [...outs].map((id) => ({ id, label: id, multiple: true }));
    }
    const nodeProblems = (problems.get(node.id) ?? []).sort((a, b) =>
      a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
    );
    const baseTitle = spec?.label ?? node.type;
    const outputShape =
      spec?.category === 'loss'
        ? info?.outputShape
          ? 'scalar'
          : undefined
        : info?.outputShape
          ? formatShape(info.outputShape)
          : undefined;
    nodes.push({
      id: node.id,
      type: node.type,
      title: node.label ?? baseTitle,
      subtitle: node.label ? `${node.id} · ${baseTitle}` : node.id,
      category: spec?.category ?? 'unknown',
      inputs,
      outputs,
      paramCount: info?.paramCount ?? 0,
      outputShape,
      problems: nodeProblems,
      position: node.position,
      width: NODE_WIDTH,
      height: nodeHeight(Math.max(inputs.length, outputs.length), nodeProblems.length > 0),
    });
  }
  const ports = new Map(nodes.map((n) => [n.id, n]));
  const edges: EdgeViewModel[] = [];
  const edgeSeen = new Set<string>();
  for (const e of doc.edges) {
    const from = ports.get(e.from.node);
    const to = ports.get(e.to.node);
    // Edges the canvas cannot draw (dangling, unknown port) stay in the document and are
    // listed as diagnostics in the status bar.
    if (edgeSeen.has(e.id) || !from || !to) continue;
    if (!from.outputs.some((p) => p.id === e.from.port) || !to.inputs.some((p) => p.id === e.to.port))
      continue;
    edgeSeen.add(e.id);
    const shape = analysis.edgeShapes.get(e.id);
    edges.push({
      id: e.id,
      source: e.from.node,
      sourceOutput: e.from.port,
      target: e.to.node,
      targetInput: e.to.port,
      label: shape ? formatShape(shape) : undefined,
    });
  }
  return { nodes, edges };
}

/** A string that changes whenever anything drawn inside the node changes (not its position). */
export function nodeSignature(n: NodeViewModel): string {
  return JSON.stringify([
    n.title,
    n.subtitle,
    n.category,
    n.inputs,
    n.outputs,
    n.paramCount,
    n.outputShape,
    n.problems,
  ]);
}
