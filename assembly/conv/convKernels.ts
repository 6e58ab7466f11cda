/**
 * WebAssembly SIMD kernels for training convolutional networks on the tfjs wasm backend
 * (`src/training/convKernels/`), in AssemblyScript: the module `npm run build:wasm` compiles into
 * `src/training/convKernels/convKernels.wasm.ts`. This entry only re-exports.
 *
 * Tensors are float32, NHWC, filters [FH, FW, C, K] (tfjs's layouts). The host copies the
 * operands into this module's memory, lays them out (input zero-padded, channel counts rounded
 * up to 4 where a kernel says so) and passes byte addresses.
 */

// Zero-padding an image batch, cropping the padding off a gradient, adding two threads' halves.
export { moveImages, fill, addFloats } from './layout';
// Conv2DBackpropFilter: the filter gradient.
export { convFilterGrad } from './filterGrad';
// Conv2DBackpropInput: the input gradient, and the filter transpose it reads.
export { convInputGrad, transposeFilter } from './inputGrad';
// MaxPoolGrad: the gradient routed to each window's (first) maximum.
export { maxPoolGrad } from './poolGrad';
// BatchMatMul: the dense layers' products, operands packed for the caches.
export { matMul, matMulScratchFloats } from './matMul';
