/** The drag-and-drop data type the palette sets and the canvas accepts. */
export const NODE_DRAG_TYPE = 'application/x-tensorweave-node';
