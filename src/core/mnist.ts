/**
 * MNIST's fixed facts, named once. Every layer (core, training, codegen, app) reads them from
 * here instead of writing 784 or 60,000 again.
 */

/** Pixels per side of an image. */
export const IMAGE_SIDE = 28;
/** Pixels per image: 784. */
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
/** Digits 0–9. */
export const NUM_CLASSES = 10;
/** Images in the training file; the validation split is taken from its end. */
export const TRAIN_FILE_IMAGES = 60_000;
/** Images in the test file. */
export const TEST_IMAGES = 10_000;
/** Training images held out for validation unless a graph says otherwise (as the tutorial did). */
export const DEFAULT_VALIDATION_COUNT = 5_000;

/** Images left to train on when `validationCount` are held out. */
export function trainImagesFor(validationCount: number): number {
  return TRAIN_FILE_IMAGES - validationCount;
}
