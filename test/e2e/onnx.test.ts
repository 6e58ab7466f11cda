import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/core/exchange/onnx/onnxTensors';
import { freshSessionPerTest, type Session } from './support/app';
import { TrainingPage } from './support/training';

describe('ONNX in the app', () => {
  let s: Session;
  const sessions = freshSessionPerTest((session) => (s = session));

  it('refuses the ONNX export before training, then exports the trained model, which opens again', async () => {
    await s.page.getByTestId('btn-export').click();
    await s.page.getByTestId('export-onnx').click();
    await s.app.toast('warning').waitFor();
    expect(await s.app.toast('warning').textContent()).toMatch(/Train or import a model first/);

    const t = new TrainingPage(s.page);
    await t.openPanel();
    await t.set('hp-length', '300');
    await s.page.getByTestId('train-start').click();
    await t.waitStatus('finished');
    const accuracy = await s.page.getByTestId('eval-accuracy').textContent();

    await s.page.getByTestId('btn-export').click();
    const [download] = await Promise.all([
      s.page.waitForEvent('download'),
      s.page.getByTestId('export-onnx').click(),
    ]);
    expect(download.suggestedFilename()).toBe('beginner.onnx');
    const bytes = await readFile(await download.path());
    const model = onnx.ModelProto.decode(bytes);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Gemm', 'Softmax']);

    const fresh = await sessions.another();
    await fresh.app.loadPreset('hidden-layer');
    await fresh.app.node('hidden').waitFor();
    await fresh.page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'beginner.onnx', mimeType: 'application/octet-stream', buffer: bytes }]);
    await fresh.app.toast('success').waitFor();
    await fresh.app.node('dense').waitFor();
    expect(await fresh.app.document()).toBe(await s.app.document());
    await fresh.page.getByTestId('dock-tab-evaluation').click();
    await fresh.page.getByTestId('eval-accuracy').waitFor({ timeout: 60_000 });
    expect(await fresh.page.getByTestId('eval-accuracy').textContent()).toBe(accuracy);
    expect(fresh.app.errors).toEqual([]);
    expect(s.app.errors).toEqual([]);
  });
});
