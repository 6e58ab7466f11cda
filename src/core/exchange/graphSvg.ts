/**
 * A picture of the graph as standalone SVG: nodes coloured by category with their output
 * shape and parameter count, edges labelled with tensor shapes, and the graph document itself
 * inside `<metadata>`, so dropping the picture back onto Tensorweave restores the graph.
 */
import * as lzString from 'lz-string';
import type { GraphAnalysis } from '../analyze';
import type { GraphDocument } from '../document';
import type { NodeCategory } from '../nodeSpec';
import { serializeDocument } from '../parseDocument';
import { err, type Result } from '../result';
import { formatShape } from '../shape';
import { namedExports } from '../util/commonJs';
import { parseCarriedDocument } from './graphCarriers';

const { compressToBase64 } = namedExports(lzString);

const WIDTH = 184;
const HEIGHT = 78;
const MARGIN = 40;
const COLORS: Record<NodeCategory | 'unknown', string> = {
  input: '#38bdf8',
  layer: '#a78bfa',
  activation: '#34d399',
  merge: '#fbbf24',
  loss: '#fb7185',
  unknown: '#94a3b8',
};

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The SVG text of the graph. */
export function renderGraphSvg(doc: GraphDocument, analysis: GraphAnalysis): string {
  const xs = doc.nodes.map((n) => n.position.x);
  const ys = doc.nodes.map((n) => n.position.y);
  const minX = xs.length ? Math.min(...xs) : 0;
  const minY = ys.length ? Math.min(...ys) : 0;
  const width = (xs.length ? Math.max(...xs) - minX : 0) + WIDTH + 2 * MARGIN;
  const height = (ys.length ? Math.max(...ys) - minY : 0) + HEIGHT + 2 * MARGIN + 30;
  const at = new Map(
    doc.nodes.map((n) => [n.id, { x: n.position.x - minX + MARGIN, y: n.position.y - minY + MARGIN + 30 }]),
  );

  const edges = analysis.edges.map((e) => {
    const a = at.get(e.from.node)!;
    const b = at.get(e.to.node)!;
    const x1 = a.x + WIDTH;
    const y1 = a.y + HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + HEIGHT / 2;
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    const shape = analysis.edgeShapes.get(e.id);
    const label = shape
      ? `<g transform="translate(${(x1 + x2) / 2},${(y1 + y2) / 2})"><rect x="-34" y="-10" width="68" height="20" rx="10" fill="#1c212b" stroke="#323948"/><text text-anchor="middle" y="4" class="mono">${escape(formatShape(shape))}</text></g>`
      : '';
    return `<path d="M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}" fill="none" stroke="#5d6577" stroke-width="2"/>${label}`;
  });

  const nodes = doc.nodes.map((n) => {
    const p = at.get(n.id)!;
    const info = analysis.nodes.get(n.id);
    const color = COLORS[info?.spec?.category ?? 'unknown'];
    const title = n.label ?? info?.spec?.label ?? n.type;
    const shape =
      info?.spec?.category === 'loss' ? 'scalar' : info?.outputShape ? formatShape(info.outputShape) : '—';
    const params = info?.paramCount ? `${info.paramCount.toLocaleString('en-US')} params` : '';
    const bad = analysis.diagnostics.some((d) => d.nodeId === n.id && d.severity === 'error');
    return [
      `<g transform="translate(${p.x},${p.y})">`,
      `<rect width="${WIDTH}" height="${HEIGHT}" rx="10" fill="#161a22" stroke="${bad ? '#f87171' : '#323948'}" stroke-width="${bad ? 2 : 1}"/>`,
      `<rect width="${WIDTH}" height="5" rx="2" fill="${color}"/>`,
      `<text x="12" y="26" class="title">${escape(title)}</text>`,
      `<text x="12" y="44" class="sub">${escape(n.id)}</text>`,
      `<text x="12" y="66" class="mono">${escape(shape)}</text>`,
      params ? `<text x="${WIDTH - 12}" y="66" text-anchor="end" class="sub">${escape(params)}</text>` : '',
      `</g>`,
    ].join('');
  });

  const summary = `${doc.name} · ${analysis.totalParams.toLocaleString('en-US')} parameters`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<metadata id="tensorweave-graph">${compressToBase64(serializeDocument(doc))}</metadata>`,
    '<style>text{font-family:Inter,system-ui,sans-serif;fill:#e6e9ef;font-size:13px}.title{font-weight:600;font-size:14px}.sub{fill:#8b93a5;font-size:12px}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}</style>',
    `<rect width="100%" height="100%" fill="#0f1218"/>`,
    `<text x="${MARGIN}" y="${MARGIN}" class="title">${escape(summary)}</text>`,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

/** The document inside an SVG written by `renderGraphSvg`, or why there is none. */
export function extractGraphFromSvg(svg: string): Result<GraphDocument> {
  const match = /<metadata id="tensorweave-graph">([A-Za-z0-9+/=]*)<\/metadata>/.exec(svg);
  if (!match)
    return err('This SVG holds no Tensorweave graph. Only pictures saved by Tensorweave carry one.');
  return parseCarriedDocument(match[1]!, 'SVG');
}
