/**
 * The node-spec rule, enforced: every registered node type, with its default parameters and
 * with each parameter changed in turn, goes through analysis, compilation and a forward pass,
 * both code generators, and a Keras round trip (saved by tfjs without Tensorweave's metadata,
 * then imported back to the same node type and parameters, with the same weights). A new
 * node type that leaves out a piece of its spec fails here, under its own name.
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../src/core/analyze';
import { generatePython } from '../../../src/core/codegen/python';
import { generateTypeScript } from '../../../src/core/codegen/typescript';
import { compileGraph } from '../../../src/core/compile';
import type { GraphDocument, GraphNode } from '../../../src/core/document';
import { modelJsonToGraph, readWeights } from '../../../src/core/exchange/importLayersModel';
import { INITIALIZER_OPTIONS, zInitializer, type Initializer } from '../../../src/core/initializer';
import { NUM_CLASSES } from '../../../src/core/mnist';
import type { NodeSpec, ParamField } from '../../../src/core/nodeSpec';
import { NODE_SPECS } from '../../../src/core/registry';
import { edge, graph, node } from './fixtures';
import { saved, WEIGHTS_FILE } from './savedModel';

type Params = Record<string, unknown>;

/** Values other than the default for one field, each of which must survive every step. */
function alternatives(field: ParamField, current: unknown): unknown[] {
  switch (field.kind) {
    case 'int':
      return [current === field.min + 6 ? field.min : Math.min(field.max, field.min + 6)];
    case 'number': {
      const value = Number(((field.min + field.max) / 3).toFixed(2));
      return [value === current ? field.min : value];
    }
    case 'boolean':
      return [!current];
    case 'enum':
      return field.options.map((o) => o.value).filter((v) => v !== current);
    case 'initializer':
      // Numbers other than the defaults, so that losing one on the way shows.
      return INITIALIZER_OPTIONS.map((o): Initializer =>
        zInitializer.parse({ name: o.value, mean: 0.1, stddev: 0.2, value: -0.3 }),
      ).filter((init) => JSON.stringify(init) !== JSON.stringify(current));
  }
}

/** The defaults, then each field changed alone. */
function parameterVariants(spec: NodeSpec): Params[] {
  const defaults = spec.params.parse({});
  return [
    defaults,
    ...spec.fields.flatMap((f) =>
      alternatives(f, defaults[f.name]).map((v) => ({ ...defaults, [f.name]: v })),
    ),
  ];
}

interface Case {
  title: string;
  type: string;
  /** The node under test. */
  id: string;
  doc: GraphDocument;
}

/** The id of the node under test; the nodes around it are named after their role. */
const SUBJECT = 'subject';

/** The id the node under test has: the input and the loss keep the names the importer gives. */
const subjectId = (spec: NodeSpec): string =>
  spec.category === 'input' ? 'pixels' : spec.category === 'loss' ? 'loss' : SUBJECT;

function chain(nodes: GraphNode[]): GraphDocument {
  return graph(
    nodes,
    nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id)),
  );
}

/**
 * input → (node under test) → [flatten] → [dense 10] → softmax → loss; the input or the loss
 * themselves when they are under test. A port taking several edges gets the fewest it needs.
 */
function testGraph(spec: NodeSpec, params: Params, layout: 'flat' | 'image'): GraphDocument {
  const dense = () => node('to_classes', 'dense', { units: NUM_CLASSES });
  if (spec.category === 'input') {
    const flatten = params.layout === 'image' ? [node('flat', 'flatten')] : [];
    return chain([
      node('pixels', spec.type, params),
      ...flatten,
      dense(),
      node('probs', 'softmax'),
      node('loss', 'loss'),
    ]);
  }
  if (spec.category === 'loss') {
    return chain([
      node('pixels', 'input', { layout: 'flat' }),
      dense(),
      node('probs', 'softmax'),
      node('loss', spec.type, params),
    ]);
  }
  const nodes: GraphNode[] = [node('pixels', 'input', { layout }), node(SUBJECT, spec.type, params)];
  // A reshape keeps the number of values, so its variants get a Dense of the size they need.
  let feed = 'pixels';
  if (spec.type === 'reshape') {
    const size = ['height', 'width', 'channels'].reduce((n, k) => n * Number(params[k]), 1);
    nodes.splice(1, 0, node('sized', 'dense', { units: size }));
    feed = 'sized';
  }
  const edges = [
    ...(feed === 'pixels' ? [] : [edge('pixels', feed)]),
    ...spec.inputs.flatMap((port) =>
      Array.from({ length: port.multiple ? (port.minEdges ?? 1) : 1 }, () => edge(feed, SUBJECT, port.id)),
    ),
  ];
  const shape = analyzeGraph(graph(nodes, edges)).nodes.get(SUBJECT)?.outputShape;
  let last = SUBJECT;
  const append = (n: GraphNode) => {
    nodes.push(n);
    edges.push(edge(last, n.id));
    last = n.id;
  };
  if (shape && shape.join() !== String(NUM_CLASSES)) {
    if (shape.length > 1) append(node('flat', 'flatten'));
    append(dense());
  }
  append(node('probs', 'softmax'));
  append(node('loss', 'loss'));
  return graph(nodes, edges);
}

/** Both input layouts for nodes that take either; Flatten, for one, only takes a picture. */
function layoutsFor(spec: NodeSpec): readonly ('flat' | 'image')[] {
  if (spec.category === 'input' || spec.category === 'loss' || spec.type === 'reshape') return ['flat'];
  const onFlat = analyzeGraph(testGraph(spec, spec.params.parse({}), 'flat')).nodes.get(SUBJECT);
  return onFlat?.outputShape ? ['flat', 'image'] : ['image'];
}

const cases: Case[] = [...NODE_SPECS.values()].flatMap((spec) =>
  parameterVariants(spec).flatMap((params, v) =>
    layoutsFor(spec).map((layout): Case => {
      const doc = testGraph(spec, params, layout);
      doc.name = `${spec.type}-${v}-${layout}`;
      return {
        title: `${spec.type} ${JSON.stringify(params)} on ${layout} input`,
        type: spec.type,
        id: subjectId(spec),
        doc,
      };
    }),
  ),
);

/** The parameters a document's node parses to (defaults filled in). */
function parsedParams(doc: GraphDocument): Map<string, Params | undefined> {
  const analysis = analyzeGraph(doc);
  return new Map([...analysis.nodes].map(([id, n]) => [id, n.params]));
}

const scripts: { file: string; python: string; typescript: string }[] = [];

/** A command's complaints, or '' when it succeeds. */
function run(command: string, args: string[]): string {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return '';
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: Buffer; stderr?: Buffer };
    return `${String(stdout ?? '')}${String(stderr ?? '')}` || String(e);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('every registered node type', () => {
  it('has a Keras mapping unless it is the loss', () => {
    for (const spec of NODE_SPECS.values()) {
      expect({ type: spec.type, keras: spec.category === 'loss' || spec.keras !== undefined }).toEqual({
        type: spec.type,
        keras: true,
      });
    }
  });

  it.each(cases.map((c) => [c.title, c] as const))(
    '%s: analysis, compile and forward pass, both scripts, Keras round trip',
    async (_title, { type, id, doc }) => {
      // Analysis: valid, without warnings.
      const analysis = analyzeGraph(doc);
      expect(analysis.diagnostics).toEqual([]);

      // Compile and run a batch of two through it.
      const before = tf.memory().numTensors;
      const compiled = compileGraph(tf, doc, analysis);
      const x = tf.randomUniform([2, ...compiled.inputShape], 0, 1, 'float32', 7);
      const forward = compiled.forward(x, true);
      const predicted = compiled.model.predict(x) as tf.Tensor;
      expect(forward.shape).toEqual([2, NUM_CLASSES]);
      expect(predicted.shape).toEqual([2, NUM_CLASSES]);
      expect(Array.from(predicted.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, forward, predicted]);

      // Both scripts write the node (the loss shows in how they train, not as a layer).
      const python = generatePython(doc, analysis);
      const typescript = generateTypeScript(doc, analysis);
      if (type !== 'loss') {
        expect(python).toContain(`name=${JSON.stringify(id)}`);
        expect(typescript).toContain(`name: ${JSON.stringify(id)}`);
      }
      scripts.push({ file: doc.name.replace(/[^A-Za-z0-9]+/g, '_'), python, typescript });

      // Saved as Keras would (the loss in trainingConfig), imported back.
      const lossParams = analysis.nodes.get(analysis.lossId!)!.params!;
      const kerasLoss =
        lossParams.loss === 'meanSquaredError' ? 'mean_squared_error' : 'categorical_crossentropy';
      const { json, bin } = await saved(compiled.model, { trainingConfig: { loss: kerasLoss } });
      const imported = modelJsonToGraph(json);
      if (!imported.ok) throw new Error(imported.error);
      const back = imported.value.doc;
      const want = parsedParams(doc);
      const got = parsedParams(back);
      for (const n of doc.nodes) {
        const expected = n.type === 'loss' ? { ...want.get(n.id), reduction: 'mean' } : want.get(n.id);
        expect({
          id: n.id,
          type: back.nodes.find((m) => m.id === n.id)?.type,
          params: got.get(n.id),
        }).toEqual({
          id: n.id,
          type: n.type,
          params: expected,
        });
      }
      const wiring = (d: GraphDocument) => d.edges.map((e) => `${e.from.node}>${e.to.node}`).sort();
      expect(wiring(back)).toEqual(wiring(doc));

      // With the same weights, read through the manifest.
      const weights = readWeights(back, imported.value.manifest, (f) =>
        f === WEIGHTS_FILE ? bin : undefined,
      );
      if (!weights.ok) throw new Error(weights.error);
      const layer = type === 'input' || type === 'loss' ? undefined : compiled.model.getLayer(id);
      const original = layer?.getWeights().map((w) => Array.from(w.dataSync())) ?? [];
      expect((weights.value.get(id) ?? []).map((w) => Array.from(w.data))).toEqual(original);

      compiled.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('writes scripts that compile for every case: Python (py_compile), TypeScript (strict tsc)', () => {
    // File names carry the node type, so a failure names the spec whose arguments are wrong.
    expect(scripts.length).toBe(cases.length);
    const pyDir = mkdtempSync(join(tmpdir(), 'tw-every-node-'));
    const pyFiles = scripts.map((s) => {
      const file = join(pyDir, `${s.file}.py`);
      writeFileSync(file, s.python);
      return file;
    });
    expect(run('python3', ['-m', 'py_compile', ...pyFiles])).toBe('');

    // Inside the repository so that '@tensorflow/tfjs' resolves from node_modules.
    const tsDir = join(process.cwd(), '.tmp', 'every-node-type');
    mkdirSync(tsDir, { recursive: true });
    const tsFiles = scripts.map((s) => {
      writeFileSync(join(tsDir, `${s.file}.ts`), s.typescript);
      return `${s.file}.ts`;
    });
    writeFileSync(
      join(tsDir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        include: tsFiles,
        compilerOptions: { types: ['node'] },
      }),
    );
    expect(run(join(process.cwd(), 'node_modules/.bin/tsc'), ['-p', join(tsDir, 'tsconfig.json')])).toBe('');
  });
});
