import { poolNode } from './pool2d';

/** Average pooling: the mean of each window, per channel. */
export const avgPool2dNode = poolNode({
  type: 'avgPool2d',
  label: 'AvgPool2D',
  description: 'Shrinks the picture by averaging each small window, channel by channel.',
  reduction: 'mean',
  className: 'AveragePooling2D',
});
