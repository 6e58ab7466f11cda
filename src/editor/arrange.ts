/**
 * Auto-arrange, in its own chunk: elkjs is 1.4 MB, so it is loaded the first time the user
 * asks for a layout, not with the page.
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import { AutoArrangePlugin, Presets as ArrangePresets } from 'rete-auto-arrange-plugin';
import type { NodeMove, Schemes } from './types';

const plugins = new WeakMap<object, AutoArrangePlugin<Schemes>>();

/**
 * Lay the nodes out left to right; positions are applied to the canvas and returned (rounded
 * to whole pixels, as the document stores them) for the app.
 */
export async function arrangeNodes<T>(
  editor: NodeEditor<Schemes>,
  area: AreaPlugin<Schemes, T>,
): Promise<NodeMove[]> {
  let arrange = plugins.get(area);
  if (!arrange) {
    arrange = new AutoArrangePlugin<Schemes>();
    arrange.addPreset(ArrangePresets.classic.setup());
    area.use(arrange as never);
    plugins.set(area, arrange);
  }
  if (!editor.getNodes().length) return [];
  await arrange.layout({
    options: {
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
    },
  });
  return editor.getNodes().flatMap((n) => {
    const p = area.nodeViews.get(n.id)?.position;
    return p ? [{ id: n.id, position: { x: Math.round(p.x), y: Math.round(p.y) } }] : [];
  });
}
