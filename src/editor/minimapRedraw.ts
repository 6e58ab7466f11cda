/**
 * The minimap redraws itself (every node) on every node event: loading 200 nodes meant 200
 * full redraws (1.3 s). `render` is private in rete-minimap-plugin, so it is replaced on the
 * instance; this is the one place that reaches into the plugin.
 */
import type { MinimapPlugin } from 'rete-minimap-plugin';
import type { Schemes } from './types';

/** Make the minimap redraw at most once per animation frame. */
export function redrawOncePerFrame(minimap: MinimapPlugin<Schemes>): void {
  const target = minimap as unknown as { render(): void };
  const render = target.render.bind(target);
  let scheduled = false;
  target.render = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
    });
  };
}
