/**
 * What the convolution and pooling specs share: reading a picture (height × width × channels)
 * from the input port, the output side of a sliding window exactly as tfjs and Keras compute
 * it, the parameter schema pieces with their limits, and reading square windows from Keras.
 */
import { z } from 'zod';
import { LIMITS } from '../limits';
import type { KerasLayerConfig, ParamField, PortShapes } from '../nodeSpec';
import { err, ok, type Result } from '../result';
import { formatShape } from '../shape';
import { safeText } from '../util/safeText';

export type Padding = 'same' | 'valid';

/** A picture's height, width and channels. */
export interface Picture {
  height: number;
  width: number;
  channels: number;
}

export type PictureResult = { ok: true; picture: Picture } | { ok: false; port: string; message: string };

/**
 * The picture on port `in`, or why there is none. A flat vector is the common mistake (the
 * Input's default layout is flat), so the message says both ways to fix it.
 */
export function pictureInput(label: string, inputs: PortShapes): PictureResult {
  const x = inputs.in?.[0];
  if (!x) return { ok: false, port: 'in', message: `${label} needs an input.` };
  if (x.length !== 3) {
    return {
      ok: false,
      port: 'in',
      message: `${label} needs a picture (height × width × channels); it gets ${formatShape(x)}. Add a Reshape to 28×28×1 before it, or set the Input's layout to image.`,
    };
  }
  return { ok: true, picture: { height: x[0]!, width: x[1]!, channels: x[2]! } };
}

/**
 * Output side of a window of `size` moved by `stride` over `side` pixels: `same` pads so that
 * ceil(side / stride) windows fit; `valid` uses only whole windows, ceil((side − size + 1) / stride).
 * Zero when not even one window fits.
 */
export function windowOutputSide(side: number, size: number, stride: number, padding: Padding): number {
  if (padding === 'same') return Math.ceil(side / stride);
  return Math.max(0, Math.ceil((side - size + 1) / stride));
}

/** The output picture's sides, or a message naming the field to change when a side is zero. */
export function windowOutput(
  node: string,
  sizeField: { name: string; label: string },
  input: Picture,
  size: number,
  stride: number,
  padding: Padding,
): { ok: true; height: number; width: number } | { ok: false; field: string; message: string } {
  const height = windowOutputSide(input.height, size, stride, padding);
  const width = windowOutputSide(input.width, size, stride, padding);
  if (height > 0 && width > 0) return { ok: true, height, width };
  return {
    ok: false,
    field: sizeField.name,
    message: `${node}'s ${sizeField.label.toLowerCase()} ${size}×${size} is larger than its ${input.height}×${input.width} input with valid padding, which leaves nothing. Make the ${sizeField.label.toLowerCase()} at most ${Math.min(input.height, input.width)}, or set padding to same.`,
  };
}

/** A whole number from 1 to `max`, named in its messages. */
export function zBoundedInt(name: string, max: number, fallback: number) {
  return z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`)
    .default(fallback);
}

export const zPadding = z.enum(['same', 'valid']).default('valid');

export const paddingField: ParamField = {
  kind: 'enum',
  name: 'padding',
  label: 'Padding',
  options: [
    { value: 'valid', label: 'valid (no padding, the map shrinks)' },
    { value: 'same', label: 'same (pad with zeros, keep the size / stride)' },
  ],
};

export const strideField = (help: string): ParamField => ({
  kind: 'int',
  name: 'strides',
  label: 'Stride',
  min: 1,
  max: LIMITS.stride,
  help,
});

/**
 * One side of a square window from a Keras setting (`3`, `[3, 3]` or `null` for `fallback`);
 * a rectangular window is refused, since Tensorweave's windows are square.
 */
export function squareFromKeras(
  raw: unknown,
  what: string,
  layerName: string,
  fallback?: number,
): Result<number> {
  if ((raw === null || raw === undefined) && fallback !== undefined) return ok(fallback);
  const values = Array.isArray(raw) ? raw.map(Number) : [Number(raw)];
  const first = values[0];
  if (first === undefined || !Number.isInteger(first) || values.some((v) => v !== first)) {
    return err(
      `Layer "${layerName}" has ${what} ${safeText(raw)}; Tensorweave uses square windows (the same size along height and width).`,
    );
  }
  return ok(first);
}

/** Refuses layouts Tensorweave does not have: channels first, dilation, groups. */
export function checkChannelsLast(config: KerasLayerConfig, layerName: string): Result<true> {
  if (
    config.data_format !== undefined &&
    config.data_format !== null &&
    config.data_format !== 'channels_last'
  ) {
    return err(
      `Layer "${layerName}" uses data_format ${safeText(config.data_format)}; Tensorweave's pictures are channels last (height × width × channels).`,
    );
  }
  const dilation = config.dilation_rate;
  const dilations = Array.isArray(dilation)
    ? dilation.map(Number)
    : dilation === undefined
      ? [1]
      : [Number(dilation)];
  if (dilations.some((d) => d !== 1)) {
    return err(
      `Layer "${layerName}" uses dilation ${safeText(dilation)}; Tensorweave's convolutions are not dilated.`,
    );
  }
  if (config.groups !== undefined && Number(config.groups) !== 1) {
    return err(
      `Layer "${layerName}" uses ${safeText(config.groups)} groups; Tensorweave's convolutions use one.`,
    );
  }
  return ok(true);
}

/** Keras's padding name as Tensorweave's, or an error for anything else (`causal`). */
export function paddingFromKeras(raw: unknown, layerName: string): Result<Padding> {
  const padding = raw ?? 'valid';
  if (padding === 'same' || padding === 'valid') return ok(padding);
  return err(`Layer "${layerName}" uses padding ${safeText(padding)}; Tensorweave has same and valid.`);
}
