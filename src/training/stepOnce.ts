/**
 * One training step at a time, for learners: the same stepper a full run uses (`createStepper`:
 * Tensorweave's kernels or tfjs ops, so the same maths), the same seeded batch order, and after
 * each step what the step did — its loss, the batch's accuracy, each layer's update-to-weight
 * ratio and the gradient flowing back through every node's output.
 */
import { analyzeGraph } from '../core/analyze';
import { compileGraph, type CompiledGraph } from '../core/compile';
import { formatDiagnostic } from '../core/diagnostics';
import type { GraphDocument } from '../core/document';
import type { Tf } from '../core/nodeSpec';
import { copyWeights, gradientMagnitudes, updateRatios } from './activations';
import { makeBatch, type MnistSplit } from './mnist';
import { BatchOrder } from './random';
import { createStepper } from './stepperChoice';
import type { Stepper } from './types';

/** What one step did. */
export interface StepReport {
  /** Steps taken since this stepping began (1 after the first). */
  step: number;
  /** The batch's loss before the update, as the Loss node defines it. */
  loss: number;
  /** Share of the batch classified right, before the update (with dropout active). */
  batchAccuracy: number;
  /** ‖Δw‖ / ‖w‖ of each layer with weights, by node id. */
  updateRatios: Record<string, number>;
  /** Mean |∂loss/∂output| of each node over the batch, before the update, by node id. */
  gradients: Record<string, number>;
}

/** Takes single steps on one compiled graph, continuing its batch order between them. */
export class SingleStepper {
  private steps = 0;

  private constructor(
    private readonly tf: Tf,
    readonly compiled: CompiledGraph,
    private readonly train: MnistSplit,
    private readonly stepper: Stepper,
    private readonly batches: BatchOrder,
    private readonly batchSize: number,
  ) {}

  /** A stepper for `compiled` with the document's batch size and seed. */
  static async create(
    tf: Tf,
    compiled: CompiledGraph,
    train: MnistSplit,
    training: GraphDocument['training'],
  ): Promise<SingleStepper> {
    const batchSize = Math.min(training.batchSize, train.count);
    const stepper = await createStepper(tf, compiled, train, {
      batchSize,
      kernels: true,
      fastMatMulGrad: true,
      // One batch at a time: a helper thread would cost more to start than it saves.
      threads: 1,
    });
    const batches = new BatchOrder(train.count, batchSize, training.seed);
    return new SingleStepper(tf, compiled, train, stepper, batches, batchSize);
  }

  get taken(): number {
    return this.steps;
  }

  /** Train exactly one batch; the model's variables hold the new weights afterwards. */
  step(): StepReport {
    const { tf, compiled } = this;
    const start = this.batches.next();
    const { xs, ys } = makeBatch(
      tf,
      this.train,
      this.batches.order,
      start,
      this.batchSize,
      compiled.inputShape,
    );
    let gradients: Map<string, number>;
    try {
      gradients = gradientMagnitudes(tf, compiled, xs, ys);
    } finally {
      xs.dispose();
      ys.dispose();
    }
    const before = copyWeights(compiled);
    try {
      const { loss, correct } = this.stepper.step(this.batches.order, start, true);
      // Between steps the views read the model's variables: make them the stepper's weights.
      this.stepper.syncWeights();
      this.steps++;
      return {
        step: this.steps,
        loss,
        batchAccuracy: correct / this.batchSize,
        updateRatios: Object.fromEntries(updateRatios(tf, compiled, before)),
        gradients: Object.fromEntries(gradients),
      };
    } finally {
      for (const ts of before.values()) tf.dispose(ts);
    }
  }

  /** Free the stepper; every step synced its weights into the model already. */
  dispose(): void {
    this.stepper.dispose();
  }
}

/**
 * "Reset weights": a fresh compile of `doc` — every layer from its initialisers, seeded per node
 * from the document's seed (`nodeSeed`), and a fresh optimizer — so the same seed gives the same
 * weights. Throws, naming the first error, when the graph cannot be compiled.
 */
export function compileFresh(tf: Tf, doc: GraphDocument): CompiledGraph {
  const analysis = analyzeGraph(doc);
  if (!analysis.valid) {
    const first = analysis.diagnostics.find((d) => d.severity === 'error');
    throw new Error(
      `The graph "${doc.name}" has errors${first ? `: ${formatDiagnostic(first)}` : ''}. Fix them, then reset again.`,
    );
  }
  return compileGraph(tf, doc, analysis);
}
