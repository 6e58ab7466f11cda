import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../src/core/document';
import { compareWithModel, editsSince, staleNotice } from '../../../src/core/modelIdentity';
import { loadPreset } from './fixtures';

type Edit = (doc: GraphDocument) => void;
const node = (doc: GraphDocument, id: string) => doc.nodes.find((n) => n.id === id)!;

/** Each edit of the hidden-layer preset, and what it changes of the trained model. */
const EDITS: { edit: string; apply: Edit; network: boolean; training: boolean }[] = [
  { edit: 'nothing', apply: () => {}, network: false, training: false },
  {
    edit: 'moving a node',
    apply: (d) => (node(d, 'hidden').position = { x: 123, y: 456 }),
    network: false,
    training: false,
  },
  { edit: 'renaming the graph', apply: (d) => (d.name = 'my net'), network: false, training: false },
  {
    edit: 'editing the description',
    apply: (d) => (d.description = 'notes'),
    network: false,
    training: false,
  },
  {
    edit: 'labelling a node',
    apply: (d) => (node(d, 'hidden').label = 'wide'),
    network: false,
    training: false,
  },
  {
    edit: 'reordering parameters and nodes',
    apply: (d) => {
      d.nodes.reverse();
      d.edges.reverse();
      const h = node(d, 'hidden');
      h.params = Object.fromEntries(Object.entries(h.params).reverse());
    },
    network: false,
    training: false,
  },
  {
    edit: 'changing units',
    apply: (d) => (node(d, 'hidden').params.units = 300),
    network: true,
    training: false,
  },
  {
    edit: 'changing the loss reduction',
    apply: (d) => (node(d, 'loss').params.reduction = 'mean'),
    network: true,
    training: false,
  },
  {
    edit: 'changing an initializer',
    apply: (d) => (node(d, 'hidden').params.kernelInitializer = { name: 'zeros' }),
    network: true,
    training: false,
  },
  {
    edit: 'rewiring (removing a wire)',
    apply: (d) => (d.edges = d.edges.slice(1)),
    network: true,
    training: false,
  },
  {
    edit: 'deleting a node',
    apply: (d) => (d.nodes = d.nodes.filter((n) => n.id !== 'sigmoid')),
    network: true,
    training: false,
  },
  {
    edit: 'changing the learning rate',
    apply: (d) => (d.training.learningRate = 0.5),
    network: false,
    training: true,
  },
  { edit: 'changing the seed', apply: (d) => (d.training.seed = 7), network: false, training: true },
  {
    edit: 'changing the duration',
    apply: (d) => (d.training.duration = { unit: 'epochs', epochs: 2 }),
    network: false,
    training: true,
  },
  {
    edit: 'changing the optimizer',
    apply: (d) => (d.training.optimizer = { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
    network: false,
    training: true,
  },
  {
    edit: 'changing the validation images',
    apply: (d) => (d.training.validationCount = 1000),
    network: false,
    training: true,
  },
  {
    edit: 'changing units and the batch size',
    apply: (d) => {
      node(d, 'hidden').params.units = 10;
      d.training.batchSize = 32;
    },
    network: true,
    training: true,
  },
];

describe('compareWithModel: which edits make a trained model stale', () => {
  it.each(EDITS)('$edit → network $network, training $training', ({ apply, network, training }) => {
    const trained = loadPreset('hidden-layer');
    const canvas = loadPreset('hidden-layer');
    apply(canvas);
    expect(compareWithModel(trained, canvas)).toEqual({ network, training, stale: network || training });
  });

  it('another preset is another network', () => {
    expect(compareWithModel(loadPreset('hidden-layer'), loadPreset('beginner'))).toMatchObject({
      network: true,
      stale: true,
    });
  });

  it('the fixture really has the nodes the table edits', () => {
    const doc = loadPreset('hidden-layer');
    expect(['hidden', 'sigmoid', 'loss'].every((id) => doc.nodes.some((n) => n.id === id))).toBe(true);
  });
});

describe('editsSince', () => {
  it('counts changes since the canvas last was the trained graph, and starts over when it is again', () => {
    const trained = loadPreset('beginner');
    const canvas = loadPreset('beginner');
    let edits: number | undefined = 0;
    const step = (apply: Edit) => {
      apply(canvas);
      edits = editsSince(edits, compareWithModel(trained, canvas));
      return edits;
    };
    expect(step((d) => (node(d, 'dense').position = { x: 1, y: 1 }))).toBe(0);
    expect(step((d) => (node(d, 'dense').params.units = 20))).toBe(1);
    expect(step((d) => (node(d, 'dense').position = { x: 5, y: 5 }))).toBe(2);
    expect(step((d) => (d.training.seed = 9))).toBe(3);
    // Undo both model changes: the canvas is the trained graph again.
    expect(step((d) => (d.training.seed = 1))).toBe(4);
    expect(step((d) => (node(d, 'dense').params.units = 10))).toBe(0);
  });

  it('keeps an unknown count unknown while stale, and knows it again once the canvas matches', () => {
    const stale = { network: true, training: false, stale: true };
    const same = { network: false, training: false, stale: false };
    expect(editsSince(undefined, stale)).toBeUndefined();
    expect(editsSince(undefined, same)).toBe(0);
    expect(editsSince(0, stale)).toBe(1);
  });
});

describe('staleNotice', () => {
  const network = { network: true, training: false, stale: true };
  const settings = { network: false, training: true, stale: true };
  it.each([
    [network, 2, false, 'Trained as hidden-layer, 2 edits ago — these results belong to that graph.'],
    [network, 1, false, 'Trained as hidden-layer, 1 edit ago — these results belong to that graph.'],
    [network, undefined, false, 'Trained as hidden-layer — these results belong to that graph.'],
    [
      settings,
      3,
      false,
      'Trained as hidden-layer (with other training settings), 3 edits ago — these results belong to that graph.',
    ],
    [
      network,
      1,
      true,
      'This run trains hidden-layer as it was when Train was pressed, 1 edit ago — later edits are not part of it.',
    ],
  ] as const)('%o, %s edits, running %s', (comparison, edits, running, text) => {
    expect(staleNotice('hidden-layer', comparison, edits, running)).toBe(text);
  });
});
