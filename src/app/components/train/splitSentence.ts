/**
 * The Train tab's one-line summary of how MNIST is split: how many training images are held
 * out for validation (none, one, or the last N) and how many test the result. Pure, so the
 * wording for each count is unit-tested.
 */
import { TEST_IMAGES, TRAIN_FILE_IMAGES } from '../../../core/mnist';
import { formatInt } from '../../../core/util/format';

export function splitSentence(validationCount: number): string {
  const digits = `${formatInt(TRAIN_FILE_IMAGES)} handwritten digits`;
  const test = `${formatInt(TEST_IMAGES)} more test the result`;
  if (validationCount <= 0)
    return `${digits}, all used for training: no images are held out for validation, and ${test}.`;
  const heldOut =
    validationCount === 1
      ? 'the last one is held out'
      : `the last ${formatInt(validationCount)} are held out`;
  return `${digits}; ${heldOut} for validation, and ${test}.`;
}
