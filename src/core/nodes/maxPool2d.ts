import { poolNode } from './pool2d';

/** Max pooling: the largest value of each window, per channel. */
export const maxPool2dNode = poolNode({
  type: 'maxPool2d',
  label: 'MaxPool2D',
  description: 'Shrinks the picture by keeping the largest value of each small window, channel by channel.',
  reduction: 'max',
  className: 'MaxPooling2D',
});
