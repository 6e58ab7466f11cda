/**
 * The messages between the page and the import worker (`importWorker.ts`), which reads
 * untrusted input — opened or dropped files, share links — off the page's thread.
 */
import type { Result } from '../core/result';
import type { Opened } from './openInput';

export type ImportRequest =
  { id: number; kind: 'files'; files: File[] } | { id: number; kind: 'share'; token: string };

export interface ImportReply {
  id: number;
  result: Result<Opened>;
}
