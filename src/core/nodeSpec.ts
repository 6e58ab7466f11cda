/**
 * The contract every node type fulfils: its ports, its parameters (schema with defaults and
 * limits, plus how the inspector shows them), shape inference, cost, how it becomes a
 * TensorFlow.js layer, and how it maps to and from a Keras layer (for the generated scripts
 * and the model importer). `registry.ts` lists what a new node type takes.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { Initializer } from './initializer';
import type { Result } from './result';
import type { Shape } from './shape';

/** The tfjs namespace, injected by the compiler so that specs stay free of runtime imports. */
export type Tf = typeof tfjs;

export type NodeCategory = 'input' | 'layer' | 'activation' | 'merge' | 'loss';

export interface PortSpec {
  id: string;
  label: string;
  /** True when the port takes several edges (add, concat); otherwise at most one. */
  multiple?: boolean;
  /** Fewest edges a multiple port needs. */
  minEdges?: number;
}

/** How the inspector renders one parameter; limits mirror the schema's. */
export type ParamField =
  | { kind: 'int'; name: string; label: string; min: number; max: number; help?: string }
  | { kind: 'number'; name: string; label: string; min: number; max: number; step?: number; help?: string }
  | {
      kind: 'enum';
      name: string;
      label: string;
      options: readonly { value: string; label: string }[];
      help?: string;
    }
  | { kind: 'boolean'; name: string; label: string; help?: string }
  | { kind: 'initializer'; name: string; label: string; help?: string };

/** Shapes arriving at each input port, in edge order. */
export type PortShapes = Readonly<Record<string, readonly Shape[]>>;

export type ShapeResult =
  { ok: true; shape: Shape } | { ok: false; message: string; port?: string; field?: string };

/** What a spec needs to build its layer. */
export interface BuildContext {
  /** Layer name: the node id, so exported models and errors name the node. */
  name: string;
  /** Seed for this node's random initialisers, derived from the document seed and node id. */
  seed: number;
}

export interface NodeSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  type: string;
  label: string;
  category: NodeCategory;
  /** One sentence for the palette and inspector. */
  description: string;
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
  /** Parameter schema; every field has a default so `{}` parses to the defaults. */
  params: z.ZodType<P>;
  fields: readonly ParamField[];
  /** The node's maths in one line, with its parameters filled in. */
  formula(params: P): string;
  /** Output shape from input shapes, or why the inputs do not fit. */
  inferShape(params: P, inputs: PortShapes): ShapeResult;
  /** Trainable parameters, given inputs whose shapes inferred successfully. */
  paramCount(params: P, inputs: PortShapes): number;
  /** Floating-point operations per example in the forward pass (a multiply-add counts 2). */
  flops(params: P, inputs: PortShapes, output: Shape): number;
  /**
   * A layer applied to the node's inputs (ports in declaration order, edges in order).
   * Absent for the input node (the compiler makes a `tf.input`) and for the loss (applied by
   * the training step).
   */
  build?(tf: Tf, params: P, ctx: BuildContext): tfjs.layers.Layer;
  /**
   * The Keras layer this node is. Absent for the loss, which Keras keeps in the training
   * configuration rather than among the layers.
   */
  keras?: KerasMapping<P>;
}

/** A value in a generated layer constructor, written in each script's language. */
export type LayerArgValue =
  | { kind: 'literal'; value: number | boolean | string }
  /** A tuple of whole numbers (a Reshape's target shape): `(28, 28, -1)` / `[28, 28, -1]`. */
  | { kind: 'shape'; value: readonly number[] }
  /** A seeded initialiser; `seedOffset` keeps a layer's initialisers on distinct seeds. */
  | { kind: 'initializer'; value: Initializer; seedOffset: number }
  /** The layer's own seed (for layers that draw random numbers themselves, like dropout). */
  | { kind: 'seed' };

/** One argument of a layer's constructor in the generated scripts. */
export interface LayerArgument {
  /** The tfjs option name (`useBias`); Python writes it in snake_case (`use_bias`). */
  name: string;
  value: LayerArgValue;
  /** Python passes it by position, before the keyword arguments: `Dense(625, …)`. */
  positional?: boolean;
}

/** A layer's `config` object in model.json (snake_case keys, as Keras writes it). */
export type KerasLayerConfig = Readonly<Record<string, unknown>>;

/** Parameters read from a Keras layer, with notes on anything approximated. */
export type FromKerasResult = Result<{ params: Record<string, unknown>; notes: string[] }>;

/**
 * How a node type corresponds to a Keras layer. The generated Python and TypeScript scripts
 * write the layer from `className` and `args`; the model importer turns a Keras layer back
 * into this node with `fromConfig` and checks its weights with `weights`.
 */
export interface KerasMapping<P> {
  /**
   * The Keras class, as model.json and Python name it (`keras.layers.Dense`); the tfjs factory
   * is the same name in lowerCamelCase with a final `2D` as `2d` (`tf.layers.dense`,
   * `tf.layers.conv2d`).
   */
  className: string;
  /**
   * Constructor arguments besides the name, in the order the scripts write them. Absent for
   * the input, which the scripts create with `keras.Input` / `tf.input`.
   */
  args?(params: P): readonly LayerArgument[];
  /**
   * This node's parameters from a layer of `className`, or undefined when the layer belongs to
   * another node type sharing the class (the activations all map to `Activation`).
   */
  fromConfig(config: KerasLayerConfig, layerName: string): FromKerasResult | undefined;
  /**
   * The weights the layer holds, in Keras order, with the shapes the graph implies; the
   * importer requires each one as `<layer>/<name>`. Absent for layers without weights.
   */
  weights?(params: P, inputs: PortShapes): readonly { name: string; shape: number[] }[];
}

/** Helper so each spec file keeps its parameter type inferred from its schema. */
export function defineNode<P extends Record<string, unknown>>(spec: NodeSpec<P>): NodeSpec<P> {
  return spec;
}
