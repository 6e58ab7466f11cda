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
  // The minimap component scales by its own measured width, which is unknown on its first
  // render (all nodes at 0, a stray dot): draw once more after it is mounted.
  let mounted = false;
  target.render = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      render();
      if (!mounted) {
        mounted = true;
        target.render();
      }
    });
  };
}
