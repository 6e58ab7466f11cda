import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/core/exchange/onnx/onnxTensors';
import { freshSessionPerTest, type Session } from './support/app';

const TF2ONNX_MLP = new URL(
  '../fixtures/onnx/onnx-tf2onnx1.16-keras-mlp-adimail/mnist_model.onnx',
  import.meta.url,
);

async function openOnnx(s: Session, name: string, buffer: Buffer): Promise<void> {
  await s.page
    .getByTestId('file-input')
    .setInputFiles([{ name, mimeType: 'application/octet-stream', buffer }]);
}

async function testAccuracy(s: Session): Promise<string | null> {
  await s.page.getByTestId('dock-tab-evaluation').click();
  await s.page.getByTestId('eval-accuracy').waitFor({ timeout: 60_000 });
  return s.page.getByTestId('eval-accuracy').textContent();
}

describe('ONNX in the app', () => {
  let s: Session;
  const sessions = freshSessionPerTest((session) => (s = session));

  it('opens a tf2onnx model, exports it as ONNX (refused before), and the export opens again alike', async () => {
    // Before any model, the ONNX export is shown disabled, saying why.
    await s.page.getByTestId('btn-export').click();
    const onnxItem = s.page.getByTestId('export-onnx');
    expect(await onnxItem.getAttribute('aria-disabled')).toBe('true');
    expect(await onnxItem.getAttribute('title')).toMatch(/No trained model yet/);
    await s.page.keyboard.press('Escape');

    await s.app.clearToasts();
    await openOnnx(s, 'mnist_model.onnx', await readFile(TF2ONNX_MLP));
    await s.app.toast('success').waitFor();
    // `npm run train -- <file> --eval-only` prints 97.43% for this file; the panel rounds.
    expect(await testAccuracy(s)).toBe('97.4%');

    await s.page.getByTestId('btn-export').click();
    const [download] = await Promise.all([
      s.page.waitForEvent('download'),
      s.page.getByTestId('export-onnx').click(),
    ]);
    expect(download.suggestedFilename()).toBe('tf2onnx.onnx');
    const bytes = await readFile(await download.path());
    const model = onnx.ModelProto.decode(bytes);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'Relu', 'Gemm', 'Sigmoid']);

    const fresh = await sessions.another();
    await openOnnx(fresh, 'tf2onnx.onnx', bytes);
    await fresh.app.toast('success').waitFor();
    expect(await fresh.app.document()).toBe(await s.app.document());
    expect(await testAccuracy(fresh)).toBe(await testAccuracy(s));
    expect(fresh.app.errors).toEqual([]);
    expect(s.app.errors).toEqual([]);
  });
});
