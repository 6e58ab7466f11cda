/**
 * The editor's types: what Rete draws (the node and connection classes and their `Schemes`)
 * and the contract with the app (the callbacks it reports edits through, the handle it
 * returns). Every editor module imports these from here, so no module needs another's.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { MinimapExtra } from 'rete-minimap-plugin';
import type { VueArea2D } from 'rete-vue-plugin';
import type { Endpoint, Position } from '../core/document';
import type { Result } from '../core/result';
import { nodeSignature, type EdgeViewModel, type EditorModel, type NodeViewModel } from './viewModel';

const socket = new ClassicPreset.Socket('tensor');

/** A node on the canvas: Rete's classic node plus the view model it draws. */
export class EditorNode extends ClassicPreset.Node {
  width: number;
  height: number;
  view: NodeViewModel;
  signature: string;

  constructor(view: NodeViewModel) {
    super(view.title);
    this.id = view.id;
    this.view = view;
    this.width = view.width;
    this.height = view.height;
    this.signature = nodeSignature(view);
    // Every input accepts several wires as far as Rete is concerned: whether a second wire
    // is allowed is the core's decision (and it is refused with a reason, not replaced).
    for (const p of view.inputs) this.addInput(p.id, new ClassicPreset.Input(socket, p.label, true));
    for (const p of view.outputs) this.addOutput(p.id, new ClassicPreset.Output(socket, p.label, true));
  }
}

/** A wire on the canvas, labelled with the tensor shape it carries. */
export class EditorConnection extends ClassicPreset.Connection<EditorNode, EditorNode> {
  label: string | undefined;
  isPseudo?: boolean;
  constructor(view: EdgeViewModel, source: EditorNode, target: EditorNode) {
    super(source, view.sourceOutput, target, view.targetInput);
    this.id = view.id;
    this.label = view.label;
  }
}

export type Schemes = GetSchemes<EditorNode, EditorConnection>;
/** The render signals the area carries: the Vue views and the minimap. */
export type AreaExtra = VueArea2D<Schemes> | MinimapExtra;

export interface WireDrop {
  /** The socket the wire was dragged from. */
  from: { node: string; port: string; side: 'input' | 'output' };
  /** Where it was released, in canvas coordinates and on screen. */
  at: Position;
  client: Position;
}

/** What was right-clicked. */
export type ContextTarget = { kind: 'root' } | { kind: 'node'; id: string } | { kind: 'edge'; id: string };

export interface ContextRequest {
  target: ContextTarget;
  at: Position;
  client: Position;
}

export interface EditorCallbacks {
  /**
   * A wire was dropped on an input: accept (the store adds the edge) or say why not. When the
   * wire was picked off an input, `replacing` is its edge: moving a wire is one edit.
   */
  onConnect(from: Endpoint, to: Endpoint, replacing?: string): Result<string>;
  onDisconnect(edgeId: string): void;
  /** Nodes were dragged to new positions (one call per drag, all moved nodes). */
  onMove(moves: NodeMove[]): void;
  onSelect(ids: string[]): void;
  /** A connection was refused; `reason` is one readable sentence. */
  onRefuse(reason: string): void;
  /** A wire was released on empty canvas. */
  onWireDrop(drop: WireDrop): void;
  /** The user asked for a context menu (right click). */
  onContextMenu(request: ContextRequest): void;
}

/** A node's new position, as reported to the app. */
export interface NodeMove {
  id: string;
  position: Position;
}

export interface EditorHandle {
  /** Make the canvas show this model; calls are queued and coalesced. */
  sync(model: EditorModel): Promise<void>;
  /** Select exactly these nodes (the store's selection after undo, paste, add). */
  setSelection(ids: readonly string[]): Promise<void>;
  zoomToFit(): Promise<void>;
  /** Lay the graph out left to right (elkjs, loaded on first use); reports moves. */
  arrange(): Promise<void>;
  /** Screen → canvas coordinates. */
  toCanvas(clientX: number, clientY: number): Position;
  /** Last pointer position on the canvas, or the viewport's centre when the pointer is away. */
  pasteTarget(): Position;
  viewCenter(): Position;
  /** Milliseconds the last completed sync took (for the benchmark). */
  lastSyncMs(): number;
  destroy(): void;
}
