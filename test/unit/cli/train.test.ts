import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/train';
import { fileLoadHandler } from '../../../src/cli/modelFiles';
import { tf } from '../../../src/cli/nodeEnv';
import { cliRunner, scratchFolder } from './runCli';

const tmp = scratchFolder('tensorweave-cli-');

const run = cliRunner(main);

function tmpFile(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('train CLI: invalid input exits 2 with a message and no stack trace', () => {
  it.each([
    ['a missing file', ['graphs/nope.json'], /^graphs\/nope\.json: file not found\.$/m],
    ['a folder', ['graphs'], /^graphs: is a folder, not a file\.$/m],
    ['no graph given', [], /Give the graph document to train/],
    ['an unknown flag', ['graphs/beginner.json', '--frobnicate'], /Unknown option '--frobnicate'/],
    [
      'a non-numeric --steps',
      ['graphs/beginner.json', '--steps', 'many'],
      /--steps must be a whole number; got "many"/,
    ],
    [
      'a fractional --batch-size',
      ['graphs/beginner.json', '--batch-size', '1.5'],
      /--batch-size must be a whole number/,
    ],
    [
      'an unknown backend',
      ['graphs/beginner.json', '--backend', 'gpu'],
      /--backend must be one of wasm, cpu; got "gpu"/,
    ],
    [
      '--steps with --epochs',
      ['graphs/beginner.json', '--steps', '1', '--epochs', '1'],
      /--steps or --epochs, not both/,
    ],
    [
      'a negative learning rate',
      ['graphs/beginner.json', '--lr=-1'],
      /^graphs\/beginner\.json: --lr: training\.learningRate: /m,
    ],
    ['zero steps', ['graphs/beginner.json', '--steps', '0'], /--steps\/--epochs: training\.duration\.steps/],
  ])('%s', async (_what, argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('bad JSON names the file', async () => {
    const file = tmpFile('bad.json', '{"format": ');
    const { code, stderr } = await run(file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: The file is not valid JSON`);
  });

  it('a schema error names the file and the field', async () => {
    const doc = JSON.parse(readFileSync('graphs/beginner.json', 'utf8'));
    doc.training.batchSize = 0;
    const file = tmpFile('schema.json', JSON.stringify(doc));
    const { code, stderr } = await run(file);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Invalid graph document: training\\.batchSize`,
      ),
    );
  });

  it('an invalid graph names the file, the node and the field', async () => {
    const file = 'test/fixtures/invalid/invalid-param.json';
    const { code, stderr } = await run(file, '--dry-run');
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${file}: error (node "dense", field "units"): units: units must be a whole number`,
    );
    expect(stderr).toContain('[invalid-param]');
    expect(stderr).toMatch(/the graph has 1 error; nothing was trained/);
  });
});

describe('train CLI: --dry-run', () => {
  it.each([
    ['graphs/beginner.json', '7,850', ['dense']],
    ['graphs/hidden-layer.json', '496,885', ['hidden', 'sigmoid', 'output']],
  ])('%s prints the summary with the parameter total', async (file, total, ids) => {
    const { code, stdout, stderr } = await run(file, '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^total\\s+${total}\\s+[\\d,]+$`, 'm'));
    for (const id of ids) expect(stdout).toMatch(new RegExp(`^${id}\\s+\\w+\\s+\\?×\\d+`, 'm'));
    expect(stdout).toContain('FLOPs/example');
    expect(stdout).toContain('dry run: nothing trained.');
  });

  it('prints warnings but carries on', async () => {
    const { code, stderr, stdout } = await run('test/fixtures/invalid/unreachable-node.json', '--dry-run');
    expect(code).toBe(0);
    expect(stderr).toMatch(/warning \(node "extra"\): .*\[unreachable-node\]/);
    expect(stdout).toContain('dry run: nothing trained.');
  });

  it('--help exits 0', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run train');
  });
});

describe('train CLI: training', () => {
  it('--json prints one JSON line; --out writes a model tf.loadLayersModel reads back', async () => {
    const out = path.join(tmp, 'model');
    const { code, stdout, stderr } = await run(
      'graphs/beginner.json',
      '--steps',
      '100',
      '--json',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'graph',
        'steps',
        'seconds',
        'stepsPerSecond',
        'trainAccuracy',
        'validationAccuracy',
        'testAccuracy',
        'backend',
      ]),
    );
    expect(result).toMatchObject({ graph: 'beginner', steps: 100, backend: 'wasm', status: 'completed' });
    expect(result.testAccuracy).toBeGreaterThan(0.8);
    // The human output went to stderr: the table row of the tutorial.
    expect(stderr).toMatch(/^model\s+time\s+train accuracy\s+validation accuracy\s+test accuracy$/m);
    expect(stderr).toMatch(/^beginner\s+0:\d\d\s+\d+\.\d\d%\s+\d+\.\d\d%\s+\d+\.\d\d%$/m);
    expect(existsSync(path.join(out, 'model.json'))).toBe(true);
    expect(readFileSync(path.join(out, 'weights.bin')).byteLength).toBe(7850 * 4);
    const model = await tf.loadLayersModel(fileLoadHandler(path.join(out, 'model.json')));
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    expect(model.countParams()).toBe(7850);
    model.dispose();
  });

  it('exits 1 with the reason when the loss diverges', async () => {
    const doc = JSON.parse(readFileSync('graphs/beginner.json', 'utf8'));
    doc.nodes = doc.nodes.filter((n: { id: string }) => n.id !== 'softmax');
    doc.nodes.find((n: { id: string }) => n.id === 'loss').params = {
      loss: 'meanSquaredError',
      reduction: 'sum',
    };
    doc.edges = [
      { id: 'e1', from: { node: 'input', port: 'out' }, to: { node: 'dense', port: 'in' } },
      { id: 'e2', from: { node: 'dense', port: 'out' }, to: { node: 'loss', port: 'in' } },
    ];
    const file = tmpFile('diverge.json', JSON.stringify(doc));
    const { code, stderr } = await run(file, '--lr', '5', '--steps', '300');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /training failed: loss became (NaN|infinite) at step \d+; the learning rate 5 is likely too high — try 0\.5\./,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
