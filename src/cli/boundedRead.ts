/**
 * Reading a file named on the command line or in a model.json without trusting it: only a
 * regular file is read (a FIFO would block forever, `/dev/zero` never ends, a folder is not
 * data), its size is checked before any byte is read, and never more than the limit is read
 * even if the file grows meanwhile. The checks run on the opened descriptor, so the file
 * cannot be swapped between the check and the read.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { formatMegabytes } from '../core/limits';
import { err, ok, type Result } from '../core/result';

function describeKind(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (info.isDirectory()) return 'is a folder, not a file.';
  if (info.isFIFO()) return 'is a named pipe (FIFO), not a regular file; refusing to read it.';
  if (info.isCharacterDevice() || info.isBlockDevice())
    return 'is a device, not a regular file; refusing to read it.';
  if (info.isSocket()) return 'is a socket, not a regular file; refusing to read it.';
  return 'is not a regular file; refusing to read it.';
}

/**
 * The bytes of the regular file at `file`, at most `maxBytes` of them, or why not (a sentence
 * that follows the file name: `is a folder, not a file.`).
 */
export async function readRegularFile(file: string, maxBytes: number): Promise<Result<Uint8Array>> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err('file not found.');
    if (code === 'EACCES' || code === 'EPERM') return err('cannot be read (permission denied).');
    if (code === 'ELOOP') return err('is a symbolic link loop.');
    return err(`cannot be opened (${code ?? 'unknown error'}).`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return err(describeKind(info));
    if (info.size > maxBytes) {
      return err(`is ${formatMegabytes(info.size)}; at most ${formatMegabytes(maxBytes)} is accepted.`);
    }
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return ok(filled === bytes.length ? bytes : bytes.subarray(0, filled));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(`cannot be read (${code ?? 'unknown error'}).`);
  } finally {
    await handle.close();
  }
}

/**
 * `name` inside `dir` once every symbolic link is resolved; undefined when there is no such
 * file; an error when it resolves outside `dir` (a weight file linked to `/etc/passwd`).
 */
export async function resolveInside(dir: string, name: string): Promise<Result<string | undefined>> {
  let target: string;
  try {
    target = await realpath(path.join(dir, name));
  } catch {
    return ok(undefined);
  }
  const relative = path.relative(await realpath(dir), target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return err(`"${name}" points outside the model's folder; refusing to read it.`);
  }
  return ok(target);
}
