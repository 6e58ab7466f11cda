/**
 * WebAssembly SIMD kernels of the dense-chain trainer (`src/training/kernels/`), in
 * AssemblyScript: the one module `npm run build:wasm` compiles into
 * `src/training/kernels/denseKernels.wasm.ts` (base64, so Node, Vite and a Web Worker load the
 * same bytes without a fetch). This entry only re-exports; each concern has its own file.
 *
 * Pure kernels over float32 row-major matrices in linear memory: the host lays the buffers
 * out and passes byte addresses. Sparse operands are CSR/CSC built here from dense matrices,
 * so products skip exact zeros (most MNIST pixels, ReLU outputs) and give the same sums.
 *
 * Weights of wide layers are kept in a panel layout: W[k × n] as ⌊n/32⌋ column panels of 32,
 * each [k × 32] row-major, then the remaining n mod 32 columns as one [k × (n mod 32)] panel.
 * A product then reads one contiguous 32-column slice of W per block (cache- and TLB-friendly).
 * For n < 32 the layout is plain row-major.
 */

// Batch conversion and sparse structure.
export { unitTable, csrFromBytes, storeFromBytes, csrFromStore, toCsr, toCsc, cscFromCsr } from './sparse';
// Forward products and weight layouts.
export { spmm, spmmPanels, spmmNarrow, denseDotT, transposePanels, transpose } from './gemm';
// Weight and bias gradients, optionally fused with the SGD update.
export { csrGradNarrow, spmmTGrad, spmmTGradPanels, applyTransposed, colSum } from './gemmGrad';
// Momentum, Adam and RMSprop (plain SGD is fused into the gradients).
export { momentumUpdate, adamUpdate, rmspropUpdate } from './optimizer';
// Inverted dropout (training only) and its backward pass.
export { dropoutForward, maskMultiply } from './dropout';
// Hidden-layer activations and their gradients.
export { sigmoid, relu, tanh, sigmoidBackward, reluBackward, tanhBackward } from './activations';
// A helper thread's own scratch (see `simd.ts`).
export { useScratch } from './simd';
// Output softmax, losses and accuracy.
export { softmax, softmaxBackward, crossEntropy, squaredError, countCorrect } from './loss';
