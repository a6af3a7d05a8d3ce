import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file or a folder (a rename inside it) to the disk. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
