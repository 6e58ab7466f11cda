/** The worker's one way to answer the page. */
import type { WorkerResponse } from './protocol';

/** Post a response to the page; large typed arrays listed in `transfer` move instead of copying. */
export function postToPage(message: WorkerResponse, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}
