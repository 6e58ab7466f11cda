/**
 * The hostile corpus of issue 11, generated into a folder at test time (nothing large is
 * committed): deep nesting, wrong types, huge declared sizes, decompression bombs, enormous
 * models, terminal escapes in names, odd encodings, and things that are not regular files.
 * Each entry is the argv for `npm run train --`; `test/unit/hostileCorpus.test.ts` runs them
 * all. `npx tsx scripts/hostileCorpus.ts DIR` writes the corpus and lists it.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  deflateZeros,
  lzBase64,
  lzBombBase64,
  lzBombToken,
  lzToken,
  pngWithText,
  svgWithMetadata,
  utf16,
  zipOf,
} from './hostileBuilders';
import { beginnerDoc, kerasModel, weightBytes, type Json } from './hostileModels';

export interface HostileEntry {
  name: string;
  argv: string[];
  /** Run in a child process (with a timeout) instead of in-process: FIFOs, devices. */
  spawn?: boolean;
}

const ESCAPES = ['\u001b[2J\u001b[H', '\u001b]0;pwned\u0007', 'nul\u0000byte', '\u009b31m', 'rtl\u202eexe'];
const WRONG = [null, 0, -1, 1e308, 'x', true, [], {}, [[[]]], '\u001b[31m'];

/** `{ key: { key: … } }` nested `depth` deep, built as text (no recursion anywhere). */
export const deepObject = (key: string, depth: number, leaf = '1'): string =>
  `{"${key}":`.repeat(depth) + leaf + '}'.repeat(depth);
export const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Sets `value` at a dotted path of a copy of `doc` (numbers index arrays). */
function withField(doc: Json, pathText: string, value: unknown): Json {
  const copy = structuredClone(doc) as Record<string, unknown>;
  const keys = pathText.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

const DOC_FIELDS = [
  'format',
  'version',
  'name',
  'description',
  'nodes',
  'edges',
  'training',
  'nodes.0',
  'nodes.1.id',
  'nodes.1.type',
  'nodes.1.params',
  'nodes.1.params.units',
  'nodes.1.position',
  'nodes.1.position.x',
  'edges.0.from',
  'edges.0.to.node',
  'training.optimizer',
  'training.learningRate',
  'training.batchSize',
  'training.duration',
];

/** Writes the corpus into `dir` (which must exist and be empty) and returns its entries. */
export async function writeHostileCorpus(dir: string): Promise<HostileEntry[]> {
  const entries: HostileEntry[] = [];
  const file = async (name: string, content: string | Uint8Array, flags = ['--dry-run']) => {
    const p = path.join(dir, name);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content);
    entries.push({ name, argv: [p, ...flags] });
    return p;
  };
  const json = (name: string, value: unknown) => file(name, JSON.stringify(value));
  const doc = beginnerDoc();

  // Documents: the base one, then every field given every wrong type.
  await json('doc/valid.json', doc);
  for (const field of DOC_FIELDS) {
    for (const [i, value] of WRONG.entries())
      await json(`doc/wrong-${field}-${i}.json`, withField(doc, field, value));
  }
  // Deep nesting: in params, in the description's place, at the top, just over the limit.
  const docText = JSON.stringify(doc);
  const inParams = (nested: string) =>
    docText.replace('"params":{"layout":"flat"}', `"params":{"deep":${nested}}`);
  await file('doc/deep-params-100000.json', inParams(deepObject('a', 100_000)));
  await file('doc/deep-params-array-100000.json', inParams(deepArray(100_000)));
  await file('doc/deep-params-64.json', inParams(deepObject('a', 60)));
  await file('doc/deep-params-65.json', inParams(deepObject('a', 61)));
  await file('doc/deep-top-100000.json', deepArray(100_000));
  await file(
    'doc/deep-name-100000.json',
    docText.replace('"name":"beginner"', `"name":${deepArray(100_000)}`),
  );
  // Sizes and counts past the limits.
  const manyNodes = (n: number) => ({
    ...doc,
    nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'relu', params: {} })),
    edges: [],
  });
  await json('doc/nodes-5001.json', manyNodes(5001));
  await json('doc/nodes-50000.json', manyNodes(50_000));
  const e = { id: 'e', from: { node: 'input', port: 'out' }, to: { node: 'dense', port: 'in' } };
  await json('doc/edges-20001.json', {
    ...doc,
    edges: Array.from({ length: 20_001 }, (_, i) => ({ ...e, id: `e${i}` })),
  });
  await file('doc/6mb.json', docText.replace('"description":"', `"description":"${'x'.repeat(6 * 2 ** 20)}`));
  await json('doc/units-1e9.json', withField(doc, 'nodes.1.params.units', 1e9));
  await json('doc/units-16385.json', withField(doc, 'nodes.1.params.units', 16385));
  await file(
    'doc/position-1e308.json',
    docText.replace('"x":280', '"x":1e308').replace('"y":0', '"y":-1e308'),
  );
  await file('doc/position-1e309.json', docText.replace('"x":280', '"x":1e309'));
  await json('doc/position-huge-count.json', withField(doc, 'nodes.1.position', { x: -1e300, y: 5e15 }));
  // Terminal escapes wherever a string is printed.
  for (const [i, esc] of ESCAPES.entries()) {
    await json(`doc/escape-name-${i}.json`, withField(doc, 'name', `graph${esc}`));
    await json(`doc/escape-type-${i}.json`, withField(doc, 'nodes.2.type', `soft${esc}max`));
    await json(`doc/escape-label-${i}.json`, withField(doc, 'nodes.1.label', `dense${esc}`));
    await json(`doc/escape-id-${i}.json`, withField(doc, 'nodes.3.id', `loss${esc}`));
    await json(`doc/escape-format-${i}.json`, withField(doc, 'format', `x${esc}`));
  }
  await file(`doc/escape\u001b[31m-filename.json`, docText);
  // Encodings, empty and truncated files, non-JSON.
  const pretty = JSON.stringify(doc, null, 2);
  await file('enc/utf16le-bom.json', utf16(pretty, false, true));
  await file('enc/utf16le.json', utf16(pretty, false, false));
  await file('enc/utf16be-bom.json', utf16(pretty, true, true));
  await file('enc/utf16be.json', utf16(pretty, true, false));
  await file('enc/utf8-bom.json', '\ufeff' + pretty);
  await file('enc/utf16le-broken.json', utf16('{"format": 1', false, true));
  await file('enc/invalid-utf8.json', Uint8Array.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]));
  await file('enc/nul-bytes.json', new Uint8Array(1000));
  await file('enc/empty.json', '');
  await file('enc/whitespace.json', ' \n\t '.repeat(100));
  for (const v of ['null', '[]', '0', '"str"', 'true', '{}', '{"format":"tensorweave-graph"}']) {
    await file(`enc/literal-${encodeURIComponent(v)}.json`, v);
  }
  for (const cut of [1, 10, 100, 500, 1000, docText.length - 1]) {
    await file(`enc/truncated-${cut}.json`, docText.slice(0, cut));
  }

  // Models: wrong types in model.json, deep nesting, huge counts and sizes, escapes.
  const model = async (
    name: string,
    json: unknown,
    bin: Uint8Array | null = weightBytes(),
    flags = ['--eval-only'],
  ) => {
    const p = path.join(dir, 'model', name, 'model.json');
    await mkdir(path.dirname(p), { recursive: true });
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    await writeFile(p, json instanceof Uint8Array ? json : text);
    if (bin) await writeFile(path.join(path.dirname(p), 'weights.bin'), bin);
    entries.push({ name: `model/${name}`, argv: [p, ...flags] });
    return path.dirname(p);
  };
  const base = kerasModel(2);
  await model('valid-dry-run', base, weightBytes(), ['--dry-run']);
  for (const [i, value] of WRONG.entries()) {
    await model(`manifest-${i}`, { ...base, weightsManifest: value });
    await model(`topology-${i}`, { ...base, modelTopology: value });
    await model(`layers-${i}`, withField(base, 'modelTopology.config.layers', value));
    await model(`shape-${i}`, withField(base, 'weightsManifest.0.weights.0.shape', value));
  }
  const manifestOf = (weights: unknown, paths: unknown = ['weights.bin']) => ({
    ...base,
    weightsManifest: [{ paths, weights }],
  });
  await model('declared-huge', manifestOf([{ name: 'dense/kernel', shape: [1e8, 1e8], dtype: 'float32' }]));
  await model(
    'declared-negative',
    manifestOf([{ name: 'dense/kernel', shape: [-784, 10], dtype: 'float32' }]),
  );
  await model('declared-int', manifestOf([{ name: 'dense/kernel', shape: [784, 10], dtype: 'int32' }]));
  for (const p of ['../weights.bin', '/etc/passwd', '/dev/zero', 'C:weights.bin', '.hidden', '..']) {
    await model(`path-${encodeURIComponent(p)}`, manifestOf(base.weightsManifest[0]!.weights, [p]));
  }
  await model('weights-missing', base, null);
  await model('weights-truncated', base, weightBytes().subarray(0, 100));
  await model('weights-too-long', base, new Uint8Array(weightBytes().length + 4));
  await model('weights-nan', base, new Uint8Array(weightBytes().length).fill(0xff));
  const deepModel = JSON.stringify(base);
  await model(
    'deep-inbound-nodes-100000',
    deepModel.replace('"inbound_nodes":[[', `"inbound_nodes":[${deepArray(100_000)},[`),
  );
  await model(
    'deep-metadata-100000',
    deepModel.replace(/}$/, `,"userDefinedMetadata":${deepObject('m', 100_000)}}`),
  );
  await model('deep-tensorweave-params', {
    ...base,
    userDefinedMetadata: { tensorweaveGraph: JSON.parse(inParams(deepObject('a', 80))) as unknown },
  });
  await model('deep-top-100000', deepArray(100_000));
  await model('layers-5001', kerasModel(5001), null);
  await model('layers-50000', kerasModel(50_000), null);
  await model('tensorweave-nodes-50000', {
    ...base,
    userDefinedMetadata: { tensorweaveGraph: manyNodes(50_000) },
  });
  for (const [i, esc] of ESCAPES.entries()) {
    await model(`escape-layer-${i}`, withField(base, 'modelTopology.config.layers.1.config.name', `d${esc}`));
    await model(
      `escape-class-${i}`,
      withField(base, 'modelTopology.config.layers.1.class_name', `Conv${esc}`),
    );
    await model(`escape-path-${i}`, manifestOf(base.weightsManifest[0]!.weights, [`w${esc}.bin`]));
    await model(`escape-format-${i}`, { ...base, format: `graph${esc}` });
  }
  await model('utf16le-bom', utf16(JSON.stringify(base), false, true));
  await model('utf16be', utf16(JSON.stringify(base), true, false));

  // Weight files that are not what they claim: links out of the folder, devices, folders.
  const linked = async (name: string, target: string) => {
    const folder = await model(name, base, null);
    await symlink(target, path.join(folder, 'weights.bin'));
  };
  await linked('weights-link-dev-zero', '/dev/zero');
  await linked('weights-link-passwd', '/etc/passwd');
  await linked('weights-link-dangling', path.join(dir, 'nowhere'));
  await linked('weights-link-loop', 'weights.bin');
  await mkdir(path.join(await model('weights-folder', base, null), 'weights.bin'));
  const fifoModel = await model('weights-fifo', base, null);
  execFileSync('mkfifo', [path.join(fifoModel, 'weights.bin')]);
  entries.at(-1)!.spawn = true;

  // The file itself: not a regular file, or too large before a byte is read.
  const special = async (name: string, p: string, spawn = false) =>
    entries.push({ name, argv: [p, '--dry-run'], ...(spawn && { spawn }) });
  await special('file/dev-zero', '/dev/zero', true);
  await special('file/dev-urandom', '/dev/urandom', true);
  await special('file/folder', dir);
  await special('file/missing', path.join(dir, 'missing.json'));
  await symlink('/dev/zero', path.join(dir, 'link-dev-zero.json'));
  await special('file/link-dev-zero', path.join(dir, 'link-dev-zero.json'), true);
  await symlink('/etc/passwd', path.join(dir, 'link-passwd.json'));
  await special('file/link-passwd', path.join(dir, 'link-passwd.json'));
  await symlink('link-loop.json', path.join(dir, 'link-loop.json'));
  await special('file/link-loop', path.join(dir, 'link-loop.json'));
  execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
  await special('file/fifo', path.join(dir, 'fifo.json'), true);
  await writeFile(path.join(dir, 'sparse-200mb.json'), '');
  await truncate(path.join(dir, 'sparse-200mb.json'), 200 * 2 ** 20);
  await special('file/sparse-200mb', path.join(dir, 'sparse-200mb.json'));
  await writeFile(path.join(dir, 'sparse-4gb.zip'), '');
  await truncate(path.join(dir, 'sparse-4gb.zip'), 4 * 2 ** 30);
  await special('file/sparse-4gb-zip', path.join(dir, 'sparse-4gb.zip'));

  // Zip bombs: lying about their size, or honest about an enormous one.
  const GiB = 2 ** 30;
  const bomb = deflateZeros(GiB);
  const zip = (name: string, declared: number, data = bomb, entryName = 'model.json') =>
    file(`zip/${name}.zip`, zipOf([{ name: entryName, data, method: 8, declaredSize: declared }]), [
      '--eval-only',
    ]);
  await zip('claims-1kb-inflates-1gib', 1024);
  await zip('claims-120mb-inflates-1gib', 120 * 2 ** 20);
  await zip('claims-4gib', 0xffffffff);
  await zip('weights-claims-1kb', 1024, bomb, 'weights.bin');
  await file(
    'zip/many-entries.zip',
    zipOf(
      Array.from({ length: 300 }, (_, i) => ({
        name: `f${i}`,
        data: bomb.subarray(0, 0),
        method: 0 as const,
        declaredSize: 2 ** 30,
      })),
    ),
    ['--eval-only'],
  );
  await file(
    'zip/truncated.zip',
    zipOf([{ name: 'model.json', data: bomb, method: 8, declaredSize: 1024 }]).subarray(0, 5000),
    ['--eval-only'],
  );
  await file('zip/not-a-zip.zip', 'PK not really', ['--eval-only']);
  await file('zip/empty.zip', '', ['--eval-only']);
  await file(
    'zip/deep-model.zip',
    zipOf([
      {
        name: 'model.json',
        data: new TextEncoder().encode(deepArray(100_000)),
        method: 0,
        declaredSize: 200_000,
      },
    ]),
    ['--eval-only'],
  );

  // lz-string bombs in every carrier: share links, PNG tEXt, SVG metadata.
  const token = lzBombToken(6 * 2 ** 20);
  const b64 = lzBombBase64(6 * 2 ** 20);
  const link = (name: string, t: string) =>
    entries.push({ name: `link/${name}`, argv: [`https://tensorweave.test/#graph=${t}`, '--dry-run'] });
  link('bomb', token);
  link('empty', '');
  link('garbage', '%%%%\u001b[2J');
  link('huge', 'A'.repeat(6 * 2 ** 20));
  link('deep', lzToken(deepArray(100_000)));
  link('bomb-1gb', lzBombToken(2 ** 30));
  link('wrong-type', lzToken('{"format":"tensorweave-graph","version":1,"nodes":{}}'));
  link('escape', lzToken(JSON.stringify(withField(doc, 'name', ESCAPES[0]))));
  await file('pic/bomb.png', pngWithText('tensorweave-graph', b64));
  await file('pic/garbage.png', pngWithText('tensorweave-graph', '\u001b]0;x\u0007'));
  await file('pic/none.png', pngWithText('other', 'x'));
  await file('pic/not-png.png', 'GIF89a');
  await file('pic/bomb.svg', svgWithMetadata(b64));
  await file('pic/deep.svg', svgWithMetadata(lzBase64(deepArray(100_000))));
  await file('pic/none.svg', '<svg></svg>');
  await file('pic/utf16.svg', utf16(svgWithMetadata(b64), false, true));
  return entries;
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const dir = process.argv[2] ?? 'hostile-corpus';
  await mkdir(dir, { recursive: true });
  for (const entry of await writeHostileCorpus(dir)) process.stdout.write(`${entry.name}\n`);
}
