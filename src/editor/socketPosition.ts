/**
 * Socket positions from the node geometry instead of the DOM. The default watcher measures
 * every socket element (a forced layout per wire, 400 of them for a 200-node graph); node
 * views have a fixed layout (see `viewModel.ts`), so the positions are arithmetic.
 */
import type { BaseSchemes } from 'rete';
import { BaseSocketPosition } from 'rete-render-utils';
import { NODE_HEADER, NODE_SUBTITLE, PORT_ROW } from './viewModel';

/** Node border and the ports block's top padding, as in the node's CSS. */
const BORDER = 1;
const PORTS_TOP = 2;

interface GeometryNode {
  width: number;
  view: { inputs: { id: string }[]; outputs: { id: string }[] };
}

export class GeometrySocketPosition<S extends BaseSchemes, K> extends BaseSocketPosition<S, K> {
  constructor(private readonly getNode: (id: string) => GeometryNode | undefined) {
    super();
  }

  async calculatePosition(
    nodeId: string,
    side: 'input' | 'output',
    key: string,
  ): Promise<{ x: number; y: number } | null> {
    const node = this.getNode(nodeId);
    if (!node) return null;
    const ports = side === 'input' ? node.view.inputs : node.view.outputs;
    const index = ports.findIndex((p) => p.id === key);
    if (index < 0) return null;
    return {
      x: side === 'input' ? 0 : node.width,
      y: BORDER + NODE_HEADER + NODE_SUBTITLE + PORTS_TOP + index * PORT_ROW + PORT_ROW / 2,
    };
  }
}
