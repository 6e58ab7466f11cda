/**
 * Socket positions from the node geometry instead of the DOM. Rete's default watcher measures
 * every rendered socket (a forced layout per wire end) and needs each socket mounted as its
 * own Vue app; node views here have a fixed layout (see `viewModel.ts`), so a socket's
 * position is the node's position plus arithmetic.
 */
import type { Scope } from 'rete';
import { BaseAreaPlugin } from 'rete-area-plugin';
import type { SocketPositionWatcher } from 'rete-render-utils';
import { NODE_HEADER, NODE_SUBTITLE, PORT_ROW } from './viewModel';

/** Node border and the ports block's top padding, as in the node's CSS. */
const BORDER = 1;
const PORTS_TOP = 2;

export interface GeometryNode {
  width: number;
  view: { inputs: readonly { id: string }[]; outputs: readonly { id: string }[] };
}

type Position = { x: number; y: number };
type Side = 'input' | 'output';

/** Where a socket sits relative to its node's top-left corner, or undefined if it has none. */
export function socketOffset(node: GeometryNode, side: Side, key: string): Position | undefined {
  const ports = side === 'input' ? node.view.inputs : node.view.outputs;
  const index = ports.findIndex((p) => p.id === key);
  if (index < 0) return undefined;
  return {
    x: side === 'input' ? 0 : node.width,
    y: BORDER + NODE_HEADER + NODE_SUBTITLE + PORTS_TOP + index * PORT_ROW + PORT_ROW / 2,
  };
}

export class GeometrySocketPosition implements SocketPositionWatcher<Scope<never, [unknown]>> {
  private area: BaseAreaPlugin<never, unknown> | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly getNode: (id: string) => GeometryNode | undefined) {}

  attach(scope: Scope<never, [unknown]>): void {
    if (this.area || !scope.hasParent()) return;
    const area = scope.parentScope<BaseAreaPlugin<never, unknown>>(BaseAreaPlugin);
    this.area = area;
    area.addPipe((ctx) => {
      if (ctx && typeof ctx === 'object' && 'type' in ctx && ctx.type === 'nodetranslated') {
        const id = (ctx as unknown as { data: { id: string } }).data.id;
        for (const fire of this.listeners.get(id) ?? []) fire();
      }
      return ctx;
    });
  }

  listen(nodeId: string, side: Side, key: string, change: (position: Position) => void): () => void {
    const fire = (): void => {
      const node = this.getNode(nodeId);
      const view = this.area?.nodeViews.get(nodeId);
      const offset = node && socketOffset(node, side, key);
      if (view && offset) change({ x: view.position.x + offset.x, y: view.position.y + offset.y });
    };
    let set = this.listeners.get(nodeId);
    if (!set) this.listeners.set(nodeId, (set = new Set()));
    set.add(fire);
    fire();
    return () => {
      set.delete(fire);
      if (!set.size) this.listeners.delete(nodeId);
    };
  }
}
