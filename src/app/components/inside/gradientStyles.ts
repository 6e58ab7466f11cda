/**
 * CSS that draws each wire by the gradient flowing back through it (the mean |∂loss/∂x| of the
 * tensor on the wire): on a log scale between the smallest and largest in the graph, from a
 * thin cool wire to a thick warm one, with the magnitude as the wire's tooltip-free label colour.
 */
import type { GraphEdge } from '../../../core/document';

const MIN_WIDTH = 2;
const MAX_WIDTH = 9;

export function gradientStyles(edges: readonly GraphEdge[], gradients: Record<string, number>): string {
  const logs = edges
    .map((e) => gradients[e.from.node])
    .filter((g): g is number => g !== undefined && g > 0)
    .map(Math.log10);
  if (!logs.length) return '';
  const lo = Math.min(...logs);
  const span = Math.max(...logs) - lo || 1;
  const rules: string[] = [];
  for (const e of edges) {
    const g = gradients[e.from.node];
    if (g === undefined || !(g > 0) || !/^[\w-]+$/.test(e.id)) continue;
    const t = (Math.log10(g) - lo) / span;
    const width = (MIN_WIDTH + t * (MAX_WIDTH - MIN_WIDTH)).toFixed(1);
    const hue = Math.round(210 - 180 * t); // blue (little flows back) → orange (much)
    rules.push(
      `.tw-conn[data-edge-id="${e.id}"] .tw-conn-path { stroke-width: ${width}px; stroke: hsl(${hue} 70% 58%); }`,
    );
  }
  return rules.join('\n');
}

/** CSS that marks the wire picked in the inspector. */
export function selectedWireStyle(edgeId: string | undefined): string {
  return edgeId && /^[\w-]+$/.test(edgeId)
    ? `.tw-conn[data-edge-id="${edgeId}"] .tw-conn-path { stroke: var(--accent); stroke-dasharray: 8 4; }`
    : '';
}
