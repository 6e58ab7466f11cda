/** Tensor shapes without the batch dimension: `[784]`, `[28, 28, 1]`. */
export type Shape = readonly number[];

/** `?×784`: the batch dimension shown as `?`, as edge labels display it. */
export function formatShape(shape: Shape): string {
  return ['?', ...shape].join('×');
}

/** Number of values in one example of this shape. */
export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
