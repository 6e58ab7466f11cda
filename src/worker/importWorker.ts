/**
 * The import worker: parses, inflates and imports what the user opens (files, pictures,
 * models, share links), so a hostile or enormous input never stalls the page. One request at
 * a time is all the page sends; each gets exactly one reply.
 */
import './jitlessZod';
import { err, type Result } from '../core/result';
import type { ImportReply, ImportRequest } from './importProtocol';
import { openFiles, openShareToken, type Opened } from './openInput';

/** The weights' buffers move to the page instead of being copied (each buffer once). */
function transferables(result: Result<Opened>): ArrayBuffer[] {
  if (!result.ok || !result.value.weights) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const tensors of result.value.weights.values())
    for (const t of tensors) if (t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  return [...buffers];
}

self.onmessage = async (message: MessageEvent<ImportRequest>) => {
  const request = message.data;
  let result: Result<Opened>;
  try {
    result = request.kind === 'files' ? await openFiles(request.files) : openShareToken(request.token);
  } catch (e) {
    // The readers return refusals rather than throw; this is the net under a bug in one.
    result = err(
      `It could not be read: ${(e as Error).message}. Check the file, or report it with the file.`,
    );
  }
  const reply: ImportReply = { id: request.id, result };
  (self as unknown as Worker).postMessage(reply, transferables(result));
};
