/**
 * The contract every node type fulfils: its ports, its parameters (schema with defaults and
 * limits, plus how the inspector shows them), shape inference, cost, and how it becomes a
 * TensorFlow.js layer. A new node type is one file in `nodes/` plus one entry in
 * `registry.ts`.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { z } from 'zod';
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
}

/** Helper so each spec file keeps its parameter type inferred from its schema. */
export function defineNode<P extends Record<string, unknown>>(spec: NodeSpec<P>): NodeSpec<P> {
  return spec;
}
