/** A layer's activation on the kernels, forward and backward, picked by its kind. */
import type { LayerBuffers } from './denseLayout';
import type { DenseKernels } from './kernels';

/** h ← act(h) over the first `rows` examples of layer `l`'s output. */
export function activate(K: DenseKernels, l: LayerBuffers, rows: number): void {
  const len = rows * l.n;
  if (l.activation === 'sigmoid') K.sigmoid(l.h, len);
  else if (l.activation === 'relu') K.relu(l.h, len);
  else if (l.activation === 'tanh') K.tanh(l.h, len);
  else if (l.activation === 'softmax') K.softmax(l.h, rows, l.n);
}

/** g ← g·act′ over `rows` examples, from the layer's output h. */
export function activateBackward(K: DenseKernels, l: LayerBuffers, rows: number): void {
  const len = rows * l.n;
  if (l.activation === 'sigmoid') K.sigmoidBackward(l.g, l.h, len);
  else if (l.activation === 'relu') K.reluBackward(l.g, l.h, len);
  else if (l.activation === 'tanh') K.tanhBackward(l.g, l.h, len);
  else if (l.activation === 'softmax') K.softmaxBackward(l.g, l.h, rows, l.n);
}
