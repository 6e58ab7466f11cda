/**
 * The canvas refits its graph whenever its own size changes: the results dock opened, closed
 * or dragged, a banner above it, a side panel hidden, the window resized. Watching the
 * container itself (not the dock's state) is what makes every cause count, and the size is
 * read after layout, so the fit never measures the canvas before it has shrunk.
 */

/** How long the size must hold still before the fit (a dock being dragged resizes every frame). */
export const REFIT_DELAY_MS = 120;

/** Observe `container` and call `fit` once its size settles on a new value; returns the stopper. */
export function refitOnResize(container: HTMLElement, fit: () => Promise<void>): () => void {
  // The first observation is the size the app already fitted the graph into at start.
  let fitted: { width: number; height: number } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const observer = new ResizeObserver(() => {
    const size = { width: container.clientWidth, height: container.clientHeight };
    if (!fitted) {
      fitted = size;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = { width: container.clientWidth, height: container.clientHeight };
      if (now.width === fitted!.width && now.height === fitted!.height) return;
      fitted = now;
      void fit();
    }, REFIT_DELAY_MS);
  });
  observer.observe(container);
  return () => {
    clearTimeout(timer);
    observer.disconnect();
  };
}
